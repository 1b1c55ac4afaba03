package org.lumen.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.lumen.core.LumenException;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.robust.Attack;
import org.lumen.nn.robust.Attacks;
import org.lumen.nn.robust.PixelModel;
import org.lumen.nn.detect.DetectionNets;
import org.lumen.nn.detect.Detector;
import org.lumen.nn.explain.Attribution;
import org.lumen.nn.explain.Cam;
import org.lumen.nn.explain.Explainer;
import org.lumen.nn.models.segmentation.Segmentations;
import org.lumen.nn.segment.Segmenter;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lumen benchmark}: speed of a model on this machine. What is timed is what the model's task runs per batch:
 * a classifier's or segmenter's forward pass (logits), a detector's detection (forward pass, box decoding, NMS at
 * its default score threshold, at most 300 per image, and a segmenting detector's mask head), or with {@code --method} one explanation of each image. Input is random (seeded):
 * normalised values for classifiers and segmenters, [0, 1] pixels for detectors; the model is an architecture with
 * random weights ({@code --arch}) or a trained model directory ({@code --model}).
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure speed on this machine: how long the model takes per image, after warm-up, timed for"
                + " at least --seconds. Classifiers and segmenters: the forward pass; detectors (yolov8*,"
                + " fasterrcnn_*, maskrcnn_*): detection with box decoding and NMS; with --method: one explanation"
                + " per image (Grad-CAM and the other explain methods). Input is random, the model an architecture"
                + " with random weights (--arch) or a trained model directory (--model). Reports ms per image and"
                + " images/s."},
        footer = {"", "Examples:", "  lumen benchmark --arch resnet18 --batch 8",
            "  lumen benchmark --arch densenet121 --imgsz 224 --batch 16 --json",
            "  lumen benchmark --arch resnet50 --method gradcam --layer layer4 --batch 4",
            "  lumen benchmark --arch yolov8n --batch 1   (640 x 640, as 'yolo benchmark')",
            "  lumen benchmark --arch fasterrcnn_resnet50_fpn --batch 1 --seconds 20",
            "  lumen benchmark --model runs/clumps/best --batch 16",
            "  lumen benchmark --model runs/clumps/best --method scorecam --batch 1 --json",
            "  lumen benchmark --arch resnet18 --imgsz 64 --attack pgd --steps 7 --batch 16"})
final class BenchmarkCommand implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--arch", paramLabel = "A", description = "Architecture (torchvision name, a U-Net, yolov8*,"
                + " fasterrcnn_*, maskrcnn_*), with random weights.")
        String arch;

        @Option(names = "--model", paramLabel = "M", description = "Trained model directory (as train"
                + " writes: RUN/best).")
        Path model;
    }

    @Option(names = "--imgsz", paramLabel = "S", description = "Input size (default: the model's; with --arch 224 for"
            + " classifiers and segmenters, 640 for YOLO, 800 for Faster/Mask R-CNN).")
    Integer imgsz;

    @Option(names = "--batch", defaultValue = "8", paramLabel = "B", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--classes", defaultValue = "1000", paramLabel = "K", description = "With --arch: classes of the"
            + " head (default: ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--method", paramLabel = "NAME", description = "Classifiers: time this explain method instead of the"
            + " forward pass (gradcam, gradcam++, scorecam, saliency, integrated-gradients, ...; see 'explain --help').")
    String method;

    @Option(names = "--attack", paramLabel = "NAME", description = "Classifiers: time this attack on the batch instead"
            + " (fgsm, pgd, pgd-l2; see 'attack --help'), --steps steps at its default eps.")
    String attack;

    @Option(names = "--steps", defaultValue = "1", paramLabel = "N", description = "With --attack: PGD steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--layer", split = ",", paramLabel = "L", description = "With --method: module path(s) explained"
            + " (default: the architecture's last spatial block).")
    List<String> layers;

    @Option(names = "--seconds", defaultValue = "5", paramLabel = "T", description = "Minimum timed duration (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        Flags.between("--batch", batch, 1, Flags.MAX_BATCH);
        if (imgsz != null) {
            ModelInfo.checkImgsz(imgsz);
        }
        if (!(seconds > 0 && seconds <= 3600)) {
            throw new LumenException("--seconds", "must be in (0, 3600], got " + seconds);
        }
        if (layers != null && method == null) {
            throw new LumenException("--layer", "names the layer a --method explains; give --method too");
        }
        if (source.arch != null) {
            Flags.between("--classes", classes, 1, 100_000);
        }
        if (source.model != null && !Files.isRegularFile(source.model.resolve(Classifier.MODEL_JSON))) {
            throw new LumenException(source.model, "is not a model directory (no " + Classifier.MODEL_JSON + ")");
        }
        String task = source.model != null ? ModelInfo.read(source.model).task()
                : DetectionNets.exists(source.arch) ? "detect"
                : Segmentations.isSegmentation(source.arch) ? Segmenter.TASK : "classify";
        if (!List.of("classify", "detect", Segmenter.TASK).contains(task)) {
            throw new LumenException(source.model, "task '" + task + "': benchmark measures classifiers, segmenters"
                    + " and detectors");
        }
        if (attack != null && (method != null || !task.equals("classify"))) {
            throw new LumenException("--attack", method != null ? "times an attack; --method times an explanation:"
                    + " give one" : "attack speed is measured for classifiers; this model's task is " + task);
        }
        Flags.between("--steps", steps, 1, 10_000);
        if (method != null && !task.equals("classify")) {
            throw new LumenException("--method", "explanation speed is measured for classifiers; this model's task is "
                    + task);
        }
        Timing t = switch (task) {
            case "detect" -> detector();
            case Segmenter.TASK -> segmenter();
            default -> classifier();
        };
        double msPerImage = t.nanos / 1e6 / (t.iterations * (double) batch);
        String layerList = layers == null ? null : String.join(",", layers);
        if (json) {
            System.out.printf(Locale.ROOT, "{\"arch\":\"%s\",\"model\":%s,\"task\":\"%s\",\"method\":%s,\"layer\":%s,"
                    + "\"attack\":%s,\"steps\":%s,"
                    + "\"imgsz\":%d,\"batch\":%d,\"iterations\":%d,\"ms_per_image\":%.4f,\"images_per_second\":%.3f,"
                    + "\"threads\":%d}%n", t.arch, quoted(source.model == null ? null : source.model.toString()), task,
                    quoted(method), quoted(layerList), quoted(attack), attack == null ? "null" : String.valueOf(steps),
                    t.imgsz, batch, t.iterations, msPerImage, 1000 / msPerImage,
                    Runtime.getRuntime().availableProcessors());
        } else {
            String label = source.model != null ? source.model + " (" + t.arch + ", " + task + ")"
                    : task.equals("classify") ? t.arch : t.arch + " (" + task + ")";
            String what = attack != null ? " attack " + attack + " (" + steps + (steps == 1 ? " step)" : " steps)")
                    : method == null ? "" : " " + method + (layerList == null ? "" : " on " + layerList);
            System.out.printf(Locale.ROOT, "%s%s %dx%d batch %d: %.2f ms/image, %.1f images/s (%d batches)%n",
                    label, what, t.imgsz, t.imgsz, batch, msPerImage, 1000 / msPerImage, t.iterations);
        }
        return Main.OK;
    }

    /** The timed loop's outcome: batches run and their total time, and what was run. */
    private record Timing(int iterations, long nanos, String arch, int imgsz) {}

    /** Three warm-up batches, then batches until {@code --seconds} have passed (at least three). */
    private Timing time(Runnable step, String arch, int size) {
        for (int i = 0; i < 3; i++) {
            step.run();
        }
        int iterations = 0;
        long start = System.nanoTime();
        long end;
        do {
            step.run();
            iterations++;
            end = System.nanoTime();
        } while (end - start < seconds * 1e9 || iterations < 3);
        return new Timing(iterations, end - start, arch, size);
    }

    private Timing classifier() {
        try (Classifier model = source.model != null ? loadClassifier() : Classifier.create(arbitrary("classify",
                size(224)), 0)) {
            ModelInfo info = model.info();
            float[] x = normalisedInput(info);
            if (attack != null) {
                return attackTiming(model);
            }
            if (method == null) {
                return time(() -> model.logits(x, batch), info.arch(), info.imgsz());
            }
            Explainer e = explainer(model.net());
            model.net().train(false);
            Shape shape = new Shape(batch, info.channels(), info.imgsz(), info.imgsz());
            return time(() -> {
                try (NDManager scope = model.manager().newSubManager()) {
                    NDArray b = scope.create(x, shape);
                    e.explain(b, null);
                }
            }, info.arch(), info.imgsz());
        }
    }

    /** {@code --attack}: the attack of a batch of random [0, 1] images, each for its predicted class. */
    private Timing attackTiming(Classifier model) {
        ModelInfo info = model.info();
        int s = info.imgsz();
        Attack a = Attacks.builder().setModel(PixelModel.of(model)).setMethod(attack).optSteps(steps).build();
        float[] x = new float[batch * info.channels() * s * s];
        SplittableRandom r = new SplittableRandom(0);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        Shape shape = new Shape(batch, info.channels(), s, s);
        int[] labels = new int[batch];
        return time(() -> {
            try (NDManager scope = model.manager().newSubManager()) {
                a.perturb(scope.create(x, shape), labels);
            }
        }, info.arch(), s);
    }

    private Timing segmenter() {
        try (Segmenter model = source.model != null ? loadSegmenter() : Segmenter.create(arbitrary(Segmenter.TASK,
                size(224)), 0)) {
            ModelInfo info = model.info();
            float[] x = normalisedInput(info);
            return time(() -> model.logits(x, batch), info.arch(), info.imgsz());
        }
    }

    private Timing detector() {
        try (Detector model = source.model != null ? loadDetector() : Detector.create(arbitrary("detect",
                size(DetectionNets.defaultImgsz(source.arch))), 0)) {
            ModelInfo info = model.info();
            int s = info.imgsz();
            SplittableRandom r = new SplittableRandom(0);
            List<float[]> images = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                float[] im = new float[3 * s * s];
                for (int j = 0; j < im.length; j++) {
                    im[j] = (float) r.nextDouble();
                }
                images.add(im);
            }
            double conf = model.net().defaultConf();
            // a segmenting detector's mask head runs too (the masks' pasting into each image is left out)
            return time(() -> model.detectPrepared(images, conf, 300, true).close(), info.arch(), s);
        }
    }

    /** The explainer {@code --method} names, on {@code --layer} (or the model's default layer). */
    private Explainer explainer(org.lumen.nn.module.Module net) {
        List<String> camLayers = layers == null ? List.of() : layers;
        if (Attribution.isAttribution(method)) {
            return Attribution.builder().setModel(net).setMethod(method).optBatchSize(batch)
                    .optLayers(method.equals("guided-gradcam") ? camLayers : layers).build();
        }
        return Cam.builder().setModel(net).setMethod(method).optLayers(camLayers).build();
    }

    private int size(int dflt) {
        return imgsz == null ? dflt : imgsz;
    }

    /** What {@code --arch} describes: random weights, anonymous classes, the default normalisation. */
    private ModelInfo arbitrary(String task, int s) {
        float[][] norm = ModelInfo.defaultNormalisation(3);
        return new ModelInfo(task, source.arch, ModelInfo.anonymousClasses(classes), s, 3, norm[0], norm[1], null);
    }

    /** The model directory's info, at {@code --imgsz} when given. */
    private ModelInfo resized(ModelInfo i) {
        return imgsz == null ? i : new ModelInfo(i.task(), i.arch(), i.classNames(), imgsz, i.channels(), i.mean(),
                i.std(), i.provenance());
    }

    private Classifier loadClassifier() {
        ModelInfo info = resized(ModelInfo.read(source.model));
        return Classifier.fromWeights(info, source.model.resolve(Classifier.WEIGHTS));
    }

    private Segmenter loadSegmenter() {
        return Segmenter.fromWeights(resized(ModelInfo.read(source.model)), source.model.resolve(Classifier.WEIGHTS));
    }

    private Detector loadDetector() {
        return Detector.fromWeights(resized(ModelInfo.read(source.model)), source.model.resolve(Detector.WEIGHTS));
    }

    /** {@code batch} random images of the model's shape, values in [-2, 2] as normalised pixels are (seeded). */
    private float[] normalisedInput(ModelInfo info) {
        float[] x = new float[batch * info.channels() * info.imgsz() * info.imgsz()];
        SplittableRandom r = new SplittableRandom(0);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 4 - 2);
        }
        return x;
    }

    private static String quoted(String s) {
        return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
