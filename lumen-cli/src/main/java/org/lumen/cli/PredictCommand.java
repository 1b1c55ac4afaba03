package org.lumen.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.lumen.core.LumenException;
import org.lumen.nn.detect.Detector;
import org.lumen.core.data.ImageFolder;
import org.lumen.core.data.MaskFolder;
import org.lumen.core.image.Image;
import org.lumen.core.image.ImageDecoder;
import org.lumen.core.io.AtomicFiles;
import org.lumen.nn.segment.Segmenter;
import java.util.Map;
import javax.imageio.ImageIO;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.model.Classification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lumen predict}: classify, detect or segment images (files, or folders searched recursively). */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Classify images, detect objects in them, or segment them. IMAGE may be a file or a folder "
            + "(searched recursively, sorted). --json prints one JSON object per image: for a classifier {\"image\", "
            + "\"logits\", \"probabilities\", \"top\": [{\"index\", \"class\", \"probability\"}]}; for a detector "
            + "{\"image\", \"detections\": [{\"box\": [x1, y1, x2, y2], \"score\", \"label\", \"class\"}]} in the image's "
            + "pixels; otherwise one line per image.",
            "A segmentation model writes OUT/<stem>.png per image (8-bit grey, pixel = class index, at the image's "
            + "own size: logits resized bilinearly, then arg-max); OUT must be new or empty and appears whole.",
            "--json then prints {\"image\", \"mask\", \"fractions\": {class: share of pixels}} per image."},
        footer = {"", "Examples:", "  lumen predict --model runs/clumps/best survey/classify/test/clumpy/galaxy_00003.png",
            "  lumen predict --model runs/clumps/best --json survey/classify/test",
            "  lumen predict --arch resnet18 --weights resnet18.safetensors --classes 1000 --top 5 cat.jpg",
            "    (torchvision's ImageNet names; --classes 90 R-CNNs and --classes 80 YOLOs get COCO's)",
            "  lumen predict --arch resnet18 --weights tumours.safetensors --classes 3 --names tumours.txt --json scans",
            "  lumen predict --model runs/det/best --json --save-dir shown survey/detect/images/test",
            "  lumen predict --model runs/det/best --tile 128 --tile-overlap 32 --agnostic-nms big_field.fits",
            "  lumen predict --model runs/seg/best --out masks survey/segment/images/test"})
final class PredictCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Mixin
    BandsOption bands;

    @Option(names = "--json", description = "One JSON object per line per image.")
    boolean json;

    @Option(names = "--top", defaultValue = "5", paramLabel = "K", description = "Classes listed per image (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--batch", defaultValue = "16", paramLabel = "B", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--conf", paramLabel = "C", description = "Detectors: keep detections scoring at least this (default: the detector's).")
    Double conf;

    @Option(names = "--max-det", defaultValue = "300", paramLabel = "N", description = "Detectors: detections per image (default: ${DEFAULT-VALUE}).")
    int maxDet;

    @Option(names = "--tile", paramLabel = "PX", description = "Detectors: tiled inference with square tiles of PX pixels (for images far larger than the model's size); instance masks come from the tile each merged detection was found in.")
    Integer tile;

    @Option(names = "--tile-overlap", defaultValue = "64", paramLabel = "PX", description = "Detectors: overlap of tiles in pixels (default: ${DEFAULT-VALUE}).")
    int tileOverlap;

    @Option(names = "--agnostic-nms", description = "Detectors: merge tiles' boxes whatever their class (as the clump paper).")
    boolean agnosticNms;

    @Option(names = "--save-dir", paramLabel = "DIR", description = "Detectors: write <stem>.detections.png with the boxes drawn.")
    Path saveDir;

    @Option(names = "--out", paramLabel = "OUT", description = "Folder for the mask PNGs of a segmentation model (new or empty).")
    Path out;

    @Option(names = "--strict", description = "Stop at the first bad image file (exit 2; no output for it or the files"
            + " after it). Without it a bad file gets its error line, the others are predicted and the exit code is 2.")
    boolean strict;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files or folders.")
    List<Path> inputs;

    private final ObjectMapper mapper = new ObjectMapper();
    private FileErrors errors;

    @Override
    public Integer call() throws IOException {
        if (top < 1) {
            throw new LumenException("--top", "must be at least 1, got " + top);
        }
        Flags.between("--batch", batch, 1, Flags.MAX_BATCH);
        bands.use(modelOptions);
        List<Path> files = expand(inputs);
        errors = new FileErrors(strict);
        if (modelOptions.isDetector()) {
            if (out != null) {
                throw new LumenException("--out", "is for segmentation models; a detector prints its detections (--save-dir draws them)");
            }
            try (Detector d = modelOptions.openDetector()) {
                DetectCli.predict(d, files, conf, maxDet, tile, tileOverlap, agnosticNms, 0.5, saveDir, json, errors);
            }
            return errors.exitCode();
        }
        if (saveDir != null || tile != null || conf != null || agnosticNms) {
            throw new LumenException(saveDir != null ? "--save-dir" : tile != null ? "--tile" : conf != null ? "--conf"
                    : "--agnostic-nms", "is for detectors");
        }
        try (Segmenter segmenter = modelOptions.openSegmenter()) {
            if (segmenter != null) {
                return segment(segmenter, files);
            }
        }
        if (out != null) {
            throw new LumenException("--out", "is for segmentation models; a classifier prints its predictions");
        }
        try (Classifier model = modelOptions.openClassifier()) {
            // a bad file is left out of its batch, so the good files go through the same batches as without it
            List<Path> pending = new ArrayList<>();
            List<float[]> loaded = new ArrayList<>();
            for (Path file : files) {
                float[] img = errors.attempt(file, () -> model.prepare(ImageDecoder.read(file)));
                if (img != null) {
                    pending.add(file);
                    loaded.add(img);
                }
                if (pending.size() == batch || errors.stopped()) {
                    classify(model, pending, loaded);
                }
                if (errors.stopped()) {
                    break;
                }
            }
            classify(model, pending, loaded);
        }
        return errors.exitCode();
    }

    /** Prints the predictions for the prepared images ({@link Classifier#classify}, one batch) and empties both lists. */
    private void classify(Classifier model, List<Path> pending, List<float[]> loaded) throws IOException {
        List<Classification> found = model.classify(loaded);
        for (int i = 0; i < found.size(); i++) {
            Classification c = found.get(i);
            System.out.println(json ? jsonLine(pending.get(i), c.logits(), c.probabilities(), model.info())
                    : textLine(pending.get(i), c.probabilities(), model.info()));
        }
        System.out.flush();
        pending.clear();
        loaded.clear();
    }

    private int segment(Segmenter model, List<Path> files) throws IOException {
        if (out == null) {
            throw new LumenException("--out", "a segmentation model writes one mask PNG per image: give --out DIR");
        }
        if (Files.exists(out) && !(Files.isDirectory(out) && isEmpty(out))) {
            throw new LumenException(out, "exists and is not an empty folder; choose a new --out");
        }
        java.util.Map<String, Path> byStem = new java.util.LinkedHashMap<>();
        for (Path f : files) {
            Path other = byStem.put(MaskFolder.Sample.stemOf(f), f);
            if (other != null) {
                throw new LumenException(f, "has the same file stem as " + other + "; their masks would collide in " + out);
            }
        }
        ModelInfo info = model.info();
        List<String> lines = new ArrayList<>();
        try {
            AtomicFiles.writeFolder(out, tmp -> {
                for (Map.Entry<String, Path> e : byStem.entrySet()) {
                    Image img = errors.attempt(e.getValue(), () -> ImageDecoder.read(e.getValue()));
                    if (errors.stopped()) {
                        break;
                    }
                    if (img == null) {
                        continue;
                    }
                    byte[] mask = model.run(List.of(img)).get(0).classes();
                    Path file = tmp.resolve(e.getKey() + ".png");
                    ImageIO.write(MaskFolder.maskImage(mask, img.width(), img.height()), "png", file.toFile());
                    lines.add(segmentLine(e.getValue(), out.resolve(e.getKey() + ".png"), mask, info));
                }
                if (lines.isEmpty()) {
                    throw new NoGoodImage(); // every image was bad: no --out folder
                }
            });
        } catch (NoGoodImage e) {
            return errors.exitCode();
        }
        lines.forEach(System.out::println);
        return errors.exitCode();
    }

    /** Aborts the mask folder when no image could be read, so that none appears. */
    private static final class NoGoodImage extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private String segmentLine(Path image, Path mask, byte[] classes, ModelInfo info) throws IOException {
        int k = Math.max(2, info.numClasses());
        long[] counts = new long[k];
        for (byte c : classes) {
            counts[c]++;
        }
        List<String> names = info.numClasses() == 1 ? List.of("background", info.classNames().get(0)) : info.classNames();
        if (json) {
            ObjectNode o = mapper.createObjectNode();
            o.put("image", image.toString());
            o.put("mask", mask.toString());
            ObjectNode f = o.putObject("fractions");
            for (int c = 0; c < k; c++) {
                f.put(names.get(c), counts[c] / (double) classes.length);
            }
            return mapper.writeValueAsString(o);
        }
        StringBuilder sb = new StringBuilder(image.toString()).append(" -> ").append(mask).append(':');
        for (int c = 1; c < k; c++) {
            sb.append(String.format(java.util.Locale.ROOT, " %s %.1f%%", names.get(c), 100.0 * counts[c] / classes.length));
        }
        return sb.toString();
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private String jsonLine(Path file, float[] logits, float[] probs, ModelInfo info) throws IOException {
        ObjectNode o = mapper.createObjectNode();
        o.put("image", file.toString());
        ArrayNode l = o.putArray("logits");
        ArrayNode p = o.putArray("probabilities");
        for (int k = 0; k < logits.length; k++) {
            l.add(logits[k]);
            p.add(probs[k]);
        }
        ArrayNode t = o.putArray("top");
        for (int k : topK(probs, top)) {
            t.addObject().put("index", k).put("class", info.classNames().get(k)).put("probability", probs[k]);
        }
        return mapper.writeValueAsString(o);
    }

    private String textLine(Path file, float[] probs, ModelInfo info) {
        StringBuilder sb = new StringBuilder(file.toString()).append(':');
        for (int k : topK(probs, top)) {
            sb.append(String.format(java.util.Locale.ROOT, " %s %.4f", info.classNames().get(k), probs[k]));
        }
        return sb.toString();
    }

    /** Indices of the k largest values, largest first; ties keep the lower index first. */
    static int[] topK(float[] v, int k) {
        return java.util.stream.IntStream.range(0, v.length).boxed()
                .sorted((a, b) -> v[b] != v[a] ? Float.compare(v[b], v[a]) : Integer.compare(a, b))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }

    static List<Path> expand(List<Path> inputs) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                try (Stream<Path> s = Files.walk(in)) {
                    s.filter(Files::isRegularFile).filter(ImageFolder::isImageFile).sorted().forEach(files::add);
                }
            } else if (Files.isRegularFile(in)) {
                files.add(in);
            } else {
                throw new LumenException(in, "no such file or folder");
            }
        }
        if (files.isEmpty()) {
            throw new LumenException(inputs.get(0), "no image files found");
        }
        return files;
    }
}
