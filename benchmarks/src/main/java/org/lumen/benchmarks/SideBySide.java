package org.lumen.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.explain.Cam;
import org.lumen.nn.explain.Explanation;
import org.lumen.nn.train.AdamW;
import org.lumen.nn.train.Optimizer;
import org.lumen.nn.classify.Trainer;
import org.lumen.nn.weights.Weights;

/**
 * Lumen's half of {@code benchmarks/side-by-side.sh}; {@code benchmarks/torch_side.py} is the PyTorch half and
 * takes the same arguments and prints the same JSON keys.
 *
 * <pre>
 * SideBySide infer|train|gradcam|fwdbwd|fasterrcnn [--arch resnet18] [--imgsz 224] [--batch 8] [--threads 2] [--warmup 3] [--iters 15]
 *     [--weights FILE --input FILE | --check DIR]
 * </pre>
 *
 * <p>{@code --weights} (a torchvision state dict as safetensors, loaded strictly) and {@code --input} (raw float32,
 * labels in {@code FILE.json}), both written by {@code torch_side.py --export DIR}, make this side time the same
 * network on the same input as PyTorch's. {@code --check DIR} times nothing: it runs the mode once on DIR's weights
 * and input, compares the outputs with PyTorch's ({@link OutputCheck}), prints one JSON verdict line and exits 0 if
 * they agree, 1 if not.
 *
 * <ul>
 *   <li>{@code infer}: {@link Classifier#logits} on a random normalised batch held in a Java {@code float[]}, so
 *       the copy into native memory and the copy of the logits back are timed too.</li>
 *   <li>{@code train}: {@link Trainer#step} (zero grad, forward in train mode, cross-entropy, backward, AdamW
 *       step), the code {@code lumen train} runs per batch.</li>
 *   <li>{@code gradcam}: {@link Cam} Grad-CAM on {@code --layer} (default layer4) for each image's top class,
 *       maps resized to the input, as {@code lumen explain} runs it.</li>
 *   <li>{@code fwdbwd}: the yardstick for {@code gradcam}: an eval-mode forward and the backward of one logit per
 *       image down to the input, parameter gradients off.</li>
 * </ul>
 * Prints one JSON line: every timed iteration in ms, their median, and the median per image.
 */
public final class SideBySide {
    private SideBySide() {}

    public static void main(String[] args) {
        if (args.length < 1 || !java.util.List.of("infer", "train", "gradcam", "fwdbwd", "fasterrcnn").contains(args[0])) {
            System.err.println("usage: SideBySide infer|train|gradcam|fwdbwd|fasterrcnn [--arch A] [--imgsz S] [--batch B] [--threads T]"
                    + " [--warmup W] [--iters N]");
            System.exit(2);
        }
        String mode = args[0];
        Map<String, String> o = new HashMap<>(Map.of("--arch", "resnet18", "--imgsz", "224", "--batch",
                mode.equals("infer") ? "8" : "16", "--threads", "2", "--warmup", mode.equals("fasterrcnn") ? "2" : "3", "--iters",
                mode.equals("fasterrcnn") ? "5" : mode.equals("train") ? "10" : "15", "--layer", "layer4", "--weights", "", "--input", "", "--check", ""));
        for (int i = 1; i + 1 < args.length; i += 2) {
            if (!o.containsKey(args[i])) {
                System.err.println("unknown option " + args[i]);
                System.exit(2);
            }
            o.put(args[i], args[i + 1]);
        }
        String arch = o.get("--arch");
        int imgsz = Integer.parseInt(o.get("--imgsz"));
        int batch = Integer.parseInt(o.get("--batch"));
        int warmup = Integer.parseInt(o.get("--warmup"));
        int iters = Integer.parseInt(o.get("--iters"));
        // read by DJL's PtEngine when it loads, as torch.set_num_threads on the Python side
        System.setProperty("ai.djl.pytorch.num_threads", o.get("--threads"));
        Engine.getEngine("PyTorch");
        Path weights = o.get("--weights").isEmpty() ? null : Path.of(o.get("--weights"));
        Path input = o.get("--input").isEmpty() ? null : Path.of(o.get("--input"));
        JsonNode reference = null;
        try {
            if (!o.get("--check").isEmpty()) {
                OutputCheck.Exported f = OutputCheck.Exported.in(Path.of(o.get("--check")));
                weights = f.weights();
                input = f.input();
                reference = OutputCheck.reference(f.reference());
            }
            run(mode, o, arch, imgsz, batch, warmup, iters, weights, input, reference);
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void run(String mode, Map<String, String> o, String arch, int imgsz, int batch, int warmup,
            int iters, Path weights, Path input, JsonNode reference) throws IOException {

        if (mode.equals("fasterrcnn")) {
            fasterRcnn(warmup, iters, weights, input, reference);
            return;
        }
        float[][] norm = ModelInfo.defaultNormalisation(3);
        ModelInfo info = new ModelInfo("classify", arch, ModelInfo.anonymousClasses(1000), imgsz, 3, norm[0],
                norm[1], null);
        SplittableRandom r = new SplittableRandom(0);
        float[] x = new float[batch * 3 * imgsz * imgsz];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian());
        }
        long[] y = new long[batch];
        for (int i = 0; i < batch; i++) {
            y[i] = r.nextInt(1000);
        }
        if (input != null) {
            x = OutputCheck.input(input, x.length);
            y = OutputCheck.labels(input);
        }
        double[] ms = new double[iters];
        try (Classifier model = Classifier.create(info, 0)) {
            if (weights != null) {
                Weights.load(model.net(), weights, model.manager());
            }
            if (reference != null) {
                float[] out = once(mode, model, x, y, batch, imgsz, o.get("--layer"));
                if (System.getenv("SIDE_BY_SIDE_DUMP") != null) { // Lumen's output beside the reference, to look into a refusal
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * out.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(out);
                    java.nio.file.Files.write(Path.of(o.get("--check")).resolve("lumen.f32"), b.array());
                }
                verdict(OutputCheck.values(mode, reference, out));
                return;
            }
            if (mode.equals("infer")) {
                for (int i = 0; i < warmup + iters; i++) {
                    long t0 = System.nanoTime();
                    model.logits(x, batch);
                    record(ms, i - warmup, t0);
                }
            } else if (mode.equals("gradcam")) {
                Cam cam = Cam.builder().setModel(model.net()).setMethod("gradcam").optLayers(o.get("--layer")).build();
                for (int i = 0; i < warmup + iters; i++) {
                    long t0 = System.nanoTime();
                    try (NDManager scope = model.manager().newSubManager()) {
                        cam.explain(scope.create(x, new Shape(batch, 3, imgsz, imgsz)));
                    }
                    record(ms, i - warmup, t0);
                }
            } else if (mode.equals("fwdbwd")) {
                for (int i = 0; i < warmup + iters; i++) { // the set-up inside is a few microseconds
                    long t0 = System.nanoTime();
                    inputGradient(model, x, y, batch, imgsz);
                    record(ms, i - warmup, t0);
                }
            } else {
                try (Optimizer opt = new AdamW(model.manager(), model.net().trainableParameters(), 0.05);
                     NDManager constants = model.manager().newSubManager()) {
                    opt.attach();
                    model.net().train(true);
                    for (int i = 0; i < warmup + iters; i++) {
                        long t0 = System.nanoTime();
                        Trainer.step(constants, model.net(), opt, x, y, batch, 3, imgsz, null, 1e-3);
                        record(ms, i - warmup, t0);
                    }
                }
            }
        }
        report(mode, arch, imgsz, batch, ms);
    }

    /** Prints the JSON line of one Lumen timing: the median of {@code ms}, per batch and per image, and the runtime. */
    private static void report(String mode, String arch, int imgsz, int batch, double[] ms) {
        double median = median(ms);
        StringBuilder times = new StringBuilder();
        for (double t : ms) {
            times.append(times.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.2f", t));
        }
        System.out.printf(Locale.ROOT, "{\"side\":\"lumen\",\"mode\":\"%s\",\"arch\":\"%s\",\"imgsz\":%d,\"batch\":%d,"
                + "\"intra_op_threads\":%d,\"inter_op_threads\":%d,\"median_ms\":%.3f,\"ms_per_image\":%.3f,"
                + "\"times_ms\":[%s],\"runtime\":\"DJL %s, libtorch %s, Java %s\"}%n", mode, arch, imgsz, batch,
                JniUtils.getNumThreads(), JniUtils.getNumInteropThreads(), median, median / batch, times,
                Engine.getDjlVersion(), Engine.getEngine("PyTorch").getVersion(), System.getProperty("java.version"));
    }

    /**
     * {@code fasterrcnn}: torchvision's fasterrcnn_resnet50_fpn layout, 91 classes, seeded random weights, one
     * 3x800x1067 image (the transform keeps it at 800 px on the short side), evaluation: transform, backbone, FPN,
     * RPN (1,000 proposals), RoI heads and post-processing.
     */
    private static void fasterRcnn(int warmup, int iters, Path weights, Path input, JsonNode reference)
            throws IOException {
        double[] ms = new double[iters];
        try (NDManager m = NDManager.newBaseManager()) {
            org.lumen.nn.models.rcnn.FasterRcnn net = new org.lumen.nn.models.rcnn.FasterRcnn("resnet50", 91,
                    new int[] {32, 64, 128, 256, 512});
            net.initialize(m, 0);
            SplittableRandom r = new SplittableRandom(0);
            float[] img = new float[3 * 800 * 1067];
            for (int i = 0; i < img.length; i++) {
                img[i] = (float) r.nextDouble();
            }
            if (weights != null) {
                Weights.load(net, weights, m);
            }
            if (input != null) {
                img = OutputCheck.input(input, img.length);
            }
            if (reference != null) {
                try (NDManager scope = m.newSubManager()) {
                    org.lumen.core.metrics.detection.Boxes found = net.detect(java.util.List.of(scope.create(img,
                            new Shape(3, 800, 1067)))).get(0);
                    if (System.getenv("SIDE_BY_SIDE_DUMP") != null) {
                        for (int i = 0; i < found.size(); i++) {
                            System.err.printf(Locale.ROOT, "lumen %d %.6f %s%n", found.labels()[i], found.scores()[i],
                                    Arrays.toString(Arrays.copyOfRange(found.xyxy(), 4 * i, 4 * i + 4)));
                        }
                    }
                    verdict(OutputCheck.detections("fasterrcnn", reference, found));
                }
                return;
            }
            for (int i = 0; i < warmup + iters; i++) {
                long t0 = System.nanoTime();
                try (NDManager scope = m.newSubManager()) {
                    net.detect(java.util.List.of(scope.create(img, new Shape(3, 800, 1067))));
                }
                record(ms, i - warmup, t0);
            }
        }
        report("fasterrcnn", "fasterrcnn_resnet50_fpn", 800, 1, ms);
    }

    /** One untimed run of a classifier mode, for the check: its output as PyTorch's reference lays it out. */
    private static float[] once(String mode, Classifier model, float[] x, long[] y, int batch, int imgsz,
            String layer) {
        switch (mode) {
            case "infer": {
                float[][] logits = model.logits(x, batch);
                float[] flat = new float[batch * logits[0].length];
                for (int i = 0; i < batch; i++) {
                    System.arraycopy(logits[i], 0, flat, i * logits[i].length, logits[i].length);
                }
                return flat;
            }
            case "train":
                try (Optimizer opt = new AdamW(model.manager(), model.net().trainableParameters(), 0.05);
                     NDManager constants = model.manager().newSubManager()) {
                    opt.attach();
                    model.net().train(true);
                    return new float[] {(float) Trainer.step(constants, model.net(), opt, x, y, batch, 3, imgsz, null,
                            1e-3)};
                }
            case "gradcam": {
                Cam cam = Cam.builder().setModel(model.net()).setMethod("gradcam").optLayers(layer).build();
                try (NDManager scope = model.manager().newSubManager()) {
                    // the raw maps (after ReLU, before scaling and resizing), as torch_side.py exports them
                    List<Explanation> maps = cam.explain(scope.create(x, new Shape(batch, 3, imgsz, imgsz)));
                    int k = maps.get(0).raw().length;
                    float[] flat = new float[batch * k];
                    for (int i = 0; i < batch; i++) {
                        System.arraycopy(maps.get(i).raw(), 0, flat, i * k, k);
                    }
                    return flat;
                }
            }
            default:
                return inputGradient(model, x, y, batch, imgsz);
        }
    }

    /**
     * What any gradient explanation needs at least: an eval-mode forward and the backward of the target logits
     * ({@code y}, of 1000 classes) down to the input, parameter gradients off (as the explainers run); the input's
     * gradient.
     */
    private static float[] inputGradient(Classifier model, float[] x, long[] y, int batch, int imgsz) {
        model.net().train(false);
        for (var p : model.net().stateDict().values()) {
            p.value().setRequiresGradient(false);
        }
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray in = scope.create(x, new Shape(batch, 3, imgsz, imgsz));
            in.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.net().apply(in);
                float[] hot = new float[batch * 1000];
                for (int b = 0; b < batch; b++) {
                    hot[b * 1000 + (int) y[b]] = 1;
                }
                gc.backward(logits.mul(scope.create(hot, new Shape(batch, 1000))).sum());
            }
            return in.getGradient().toFloatArray();
        }
    }

    /** Prints the check's verdict and exits: 0 if the outputs agree, 1 if not. */
    private static void verdict(OutputCheck.Verdict v) {
        System.out.println(v.json());
        System.exit(v.ok() ? 0 : 1);
    }

    private static void record(double[] ms, int i, long t0) {
        if (i >= 0) {
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
