package org.lumen.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.lumen.core.LumenException;
import org.lumen.core.data.InstanceFormats;
import org.lumen.core.data.InstanceFormats.Format;
import org.lumen.core.data.Instances;
import org.lumen.core.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lumen convert}: instance-segmentation datasets between COCO, YOLO segmentation labels and class masks. */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Convert an instance-segmentation dataset between layouts (all splits present; images copied):",
            "  coco      annotations/instances_{split}.json (polygons or RLE) + images/{split}/",
            "  yolo-seg  data.yaml + images/{split}/ + labels/{split}/NAME.txt ('class x1 y1 ... xn yn', in [0, 1])",
            "  masks     classes.json + images/{split}/ + masks/{split}/NAME.png (pixel = class, 0 = background) "
            + "The input is checked first and every fault of a file is listed (odd coordinate counts, fewer than 3 "
            + "points, points outside the image, unknown classes, outlines without area or crossing themselves, RLE "
            + "sizes other than the image's); nothing is written unless all of it is good. OUT must be new or empty.",
            "Polygons of one object in several parts become one YOLO outline as Ultralytics joins them; a mask "
            + "becomes the outline of its largest 4-connected part (holes filled); a class mask's objects are its "
            + "4-connected components of each class; COCO category ids in increasing order are YOLO classes 0, 1, ...",
            "and mask values 1, 2, .... Crowd (iscrowd) regions are kept in COCO output only."},
        footer = {"", "Examples:",
            "  lumen convert --from coco --to yolo-seg --data survey/segment --out clumps-yolo",
            "  lumen convert --from yolo-seg --to coco --data clumps-yolo/data.yaml --out clumps-coco",
            "  lumen convert --from masks --to coco --data survey/segment --out footprints-coco",
            "  lumen convert --from coco --to masks --data my-coco --out my-masks --fix",
            "(survey/ as written by: lumen synth galaxies --out survey)"})
final class ConvertCommand implements Callable<Integer> {
    @Option(names = "--from", required = true, paramLabel = "coco|yolo-seg|masks", description = "Layout of --data.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "coco|yolo-seg|masks", description = "Layout to write.")
    String to;

    @Option(names = "--data", required = true, paramLabel = "IN", description = "Dataset folder (or a YOLO data.yaml).")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "OUT", description = "Folder to create (must be new or empty).")
    Path out;

    @Option(names = "--fix", description = "Clip points outside their image into it and drop outlines and masks with no"
            + " area (each change reported) instead of refusing the file.")
    boolean fix;

    @Override
    public Integer call() throws IOException {
        Format source = format("--from", from);
        Format target = format("--to", to);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new LumenException(out, "exists and is not a folder; choose a new --out");
        }
        if (Files.isDirectory(out)) {
            try (var s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new LumenException(out, "exists and is not empty; choose a new --out");
                }
            }
        }
        List<String> fixes = fix ? new ArrayList<>() : null;
        Instances instances = InstanceFormats.read(source, data, fixes);
        if (fixes != null) {
            fixes.forEach(f -> System.err.println("fixed: " + f));
        }
        AtomicFiles.writeFolder(out, tmp -> InstanceFormats.write(target, instances, tmp));
        String perSplit = instances.splits().entrySet().stream()
                .map((Map.Entry<String, List<Instances.Sample>> e) -> e.getKey() + " " + e.getValue().size())
                .collect(Collectors.joining(", "));
        int classes = instances.classes().size();
        System.out.printf("converted %d images (%s) with %d objects of %d %s from %s to %s in %s%n",
                instances.imageCount(), perSplit, instances.instanceCount(), classes, classes == 1 ? "class" : "classes",
                source.label(), target.label(), out);
        return Main.OK;
    }

    private static Format format(String option, String name) {
        Format f = Format.parse(name);
        if (f == null) {
            throw new LumenException(option, "must be coco, yolo-seg or masks, got '" + name + "'");
        }
        return f;
    }
}
