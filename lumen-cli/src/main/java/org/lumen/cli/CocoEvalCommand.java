package org.lumen.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lumen.core.LumenException;
import org.lumen.core.metrics.coco.CocoEval;
import org.lumen.core.metrics.coco.CocoEvaluation;
import org.lumen.core.metrics.coco.IouType;
import org.lumen.core.report.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lumen coco-eval}: the 12 COCO statistics of a results file, as pycocotools computes them. */
@Command(name = "coco-eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate detections against COCO ground truth, as pycocotools' COCOeval does.",
            "Detections are in the COCO results format: a list of {\"image_id\", "
            + "\"category_id\", \"bbox\": [x, y, w, h], \"score\"}, with \"segmentation\" (RLE) "
            + "for --iou-type segm. Prints the 12 statistics in pycocotools' layout: AP at IoU "
            + ".50:.95, .50 and .75 and for small, medium and large objects; AR at 1, 10 and "
            + "100 detections per image and for small, medium and large objects. --json prints "
            + "one object with the keys AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, "
            + "ARm, ARl. -1 means undefined (no ground truth in that setting). Detections that "
            + "name unknown images or categories, have malformed boxes or masks or lack a "
            + "score are refused, each listed with its index."},
        footer = {"", "Examples:", "  lumen coco-eval --gt instances_val.json --dt detections.json",
            "  lumen coco-eval --gt instances_val.json --dt masks.json --iou-type segm --json"})
final class CocoEvalCommand implements Callable<Integer> {
    @Option(names = "--gt", required = true, paramLabel = "GT.json", description = "Ground truth, COCO format.")
    Path gt;

    @Option(names = "--dt", required = true, paramLabel = "DT.json", description = "Detections, COCO results format.")
    Path dt;

    @Option(names = "--iou-type", defaultValue = "bbox", paramLabel = "bbox|segm",
            description = "Compare boxes (bbox) or masks (segm) (default: ${DEFAULT-VALUE}).")
    String iouType;

    @Option(names = "--json", description = "Print one JSON object with the 12 statistics.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        IouType type = switch (iouType.toLowerCase(Locale.ROOT)) {
            case "bbox" -> IouType.BBOX;
            case "segm" -> IouType.SEGM;
            default -> throw new LumenException("--iou-type", "must be bbox or segm, got '" + iouType + "'");
        };
        CocoEvaluation evaluation = CocoEval.evaluate(gt, dt, type);
        System.out.print(json ? Json.line(evaluation.statsByName()) + System.lineSeparator() : evaluation.summary());
        System.out.flush();
        return Main.OK;
    }
}
