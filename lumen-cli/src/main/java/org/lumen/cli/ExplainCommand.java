package org.lumen.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.lumen.core.LumenException;
import org.lumen.core.image.Colormap;
import org.lumen.core.image.HeatmapOverlay;
import org.lumen.core.image.Image;
import org.lumen.core.image.ImageDecoder;
import org.lumen.core.image.ImageOps;
import org.lumen.core.io.Npy;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.model.Preprocess;
import org.lumen.nn.explain.Attribution;
import org.lumen.nn.explain.Explainer;
import org.lumen.nn.explain.Explainers;
import org.lumen.nn.explain.Explanation;
import org.lumen.nn.explain.Regions;
import org.lumen.nn.explain.TargetedExplainer;
import org.lumen.nn.explain.eval.ExplainBoxes;
import org.lumen.nn.module.Module;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lumen explain}: class activation maps and attributions for images, built by the library's
 * {@link Explainers}; this class parses the options, reads the images and writes the files. Every file is first
 * written to a hidden folder beside {@code --out} and moved into place when the run has finished
 * ({@link StagedOutput}), so a failure leaves no half-written output. An image
 * file that cannot be read is reported and skipped ({@link FileErrors}; exit 2), the others are explained.
 */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Explain a model's decisions with class activation maps (Grad-CAM and its family) or "
            + "attributions to input pixels (gradients and perturbations).",
            "Per image, in --out: <stem>.<method>.png (the heatmap over the image, viridis, with a legend), "
            + "<stem>.<method>.npy (the heatmap in [0,1] at the model's input size, float32) and "
            + "<stem>.<method>.raw.npy (the map at the layer's resolution after ReLU, before normalisation).",
            "Methods: gradcam, gradcam++, xgradcam, hirescam, layercam, gradcam-elementwise, eigencam, "
            + "eigengradcam, scorecam, ablationcam (the last two run one forward pass per channel of the layer); "
            + "saliency, inputxgradient, guided-backprop, deconvnet, guided-gradcam (with one --layer), "
            + "integrated-gradients, smoothgrad (--base), occlusion, lime and kernelshap (--superpixels grid|slic)."},
        footer = {"", "Examples:",
            "  lumen explain --model runs/clumps/best --method gradcam --out runs/clumps/cam survey/classify/test/clumpy",
            "  lumen explain --model runs/clumps/best --method gradcam++ --layer layer3 --layer layer4 --target smooth \\",
            "      --out cam galaxy_00003.png",
            "  lumen explain --arch resnet18 --weights resnet18.safetensors --classes 1000 --method hirescam \\",
            "      --target 281 --counterfactual --out cam cat.jpg",
            "  lumen explain --model runs/clumps/best --method guided-gradcam --layer layer4 --out gg galaxy_00003.png",
            "  lumen explain --model runs/clumps/best --method lime --superpixels slic --segments 6 --out lime \\",
            "      galaxy_00003.png"})
final class ExplainCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Mixin
    BandsOption bands;

    @Option(names = "--method", defaultValue = "gradcam", paramLabel = "NAME", completionCandidates = MethodNames.class,
            description = "CAM method or attribution: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--steps", defaultValue = "50", paramLabel = "N", description = "integrated-gradients: Gauss-Legendre steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--base", defaultValue = "saliency", paramLabel = "M", description = "smoothgrad: the method averaged over noisy copies: saliency, inputxgradient, guided-backprop, deconvnet or integrated-gradients (default: ${DEFAULT-VALUE}).")
    String base;

    @Option(names = "--samples", paramLabel = "N", description = "smoothgrad: noisy copies (default 10); lime, kernelshap: coalitions (default 256).")
    Integer samples;

    @Option(names = "--segments", defaultValue = "8", paramLabel = "N", description = "lime, kernelshap: an N x N grid of superpixels, or about N x N SLIC ones (default: ${DEFAULT-VALUE}).")
    int segments;

    @Option(names = "--superpixels", defaultValue = "grid", paramLabel = "KIND", description = "lime, kernelshap: grid or slic (default: ${DEFAULT-VALUE}).")
    String superpixels;

    @Option(names = "--noise-sd", defaultValue = "0.15", paramLabel = "F", description = "smoothgrad: noise sd as a share of the image's value range (default: ${DEFAULT-VALUE}).")
    double noiseSd;

    @Option(names = "--window", defaultValue = "8", paramLabel = "PX", description = "occlusion: patch size (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--stride", defaultValue = "4", paramLabel = "PX", description = "occlusion: patch step (default: ${DEFAULT-VALUE}).")
    int stride;

    @Option(names = "--layer", split = ",", paramLabel = "L",
            description = "Module path(s) to explain, e.g. layer4 or features.denseblock3; several are averaged"
                    + " (default: the architecture's last spatial block). Guided-gradcam takes one; other"
                    + " attributions none.")
    List<String> layers;

    @Option(names = "--target", paramLabel = "T",
            description = "Class name or index to explain (default: each image's top prediction).")
    String target;

    @Option(names = "--counterfactual", description = "Negate the gradients: where the evidence against the class lies.")
    boolean counterfactual;

    @Option(names = "--batch", defaultValue = "8", paramLabel = "B", description = "Images per pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--boxes", description = "Also write <stem>.<method>.boxes.json: the map's localisation box (largest"
            + " region above --box-fraction of the maximum, as the Grad-CAM paper), in model-input pixels.")
    boolean boxes;

    @Option(names = "--box-fraction", defaultValue = "0.15", paramLabel = "F",
            description = "Threshold of --boxes as a fraction of the map's maximum (default: ${DEFAULT-VALUE}).")
    double boxFraction;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--box", split = ",", paramLabel = "X1,Y1,X2,Y2", description = "Detectors (YOLO): explain the"
            + " detection overlapping this box (image pixels) most; its class unless --target names one; the layer"
            + " defaults to net.model.15 (the stride-8 neck). Segmentation models: explain the mean logit of"
            + " --target over this region; the layer defaults to the last decoder stage.")
    List<Double> box;

    @Option(names = "--region", paramLabel = "MASK", description = "Segmentation models: explain the mean logit of"
            + " --target over this mask's region instead of a box (an image of the explained image's size; every"
            + " non-zero pixel belongs to the region).")
    Path region;

    @Option(names = "--strict", description = "Stop at the first bad image file (exit 2; no output for it or the files"
            + " after it). Without it a bad file gets its error line, the others are explained and the exit code is 2.")
    boolean strict;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files or folders.")
    List<Path> inputs;

    private FileErrors errors;

    @Override
    public Integer call() throws IOException {
        Flags.between("--batch", batch, 1, Flags.MAX_EXPLAIN_BATCH);
        if (!(boxFraction >= 0 && boxFraction <= 1)) {
            throw new LumenException("--box-fraction", "must be between 0 and 1, got " + boxFraction);
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new LumenException(out, "exists and is not a folder");
        }
        bands.use(modelOptions);
        List<Path> files = PredictCommand.expand(inputs);
        List<String> stems = StagedOutput.stems(files);
        errors = new FileErrors(strict);
        if (modelOptions.isDetector()) {
            return explainDetections(files, stems);
        }
        try (org.lumen.nn.segment.Segmenter seg = modelOptions.openSegmenter()) {
            if (seg != null) {
                return explainSegmentation(seg, files, stems);
            }
        }
        if (box != null) {
            throw new LumenException("--box", "is for detectors and segmentation models; a classifier is explained for a class (--target)");
        }
        try (Classifier model = modelOptions.openClassifier()) {
            ModelInfo info = model.info();
            Explainer cam = explainer(model.net(), List.of());
            String name = Explainers.name(cam);
            Integer targetIndex = target == null ? null : resolveTarget(target, info.classNames());
            return StagedOutput.run(out, errors, stage -> {
                errors.inBatches(files, batch, file -> Preprocess.load(file, info.imgsz(), info.channels()),
                        (indices, images) -> explainBatch(model, cam, indices.stream().map(files::get).toList(),
                                indices.stream().map(stems::get).toList(), images, targetIndex, name, stage));
            });
        }
    }

    /** Explains one batch of loaded images (none: nothing to do) and writes their outputs into {@code stage}. */
    private void explainBatch(Classifier model, Explainer cam, List<Path> files, List<String> stems, List<Image> images,
            Integer targetIndex, String name, Path stage) throws IOException {
        ModelInfo info = model.info();
        int s = info.imgsz();
        int per = info.channels() * s * s;
        int n = files.size();
        if (n == 0) {
            return;
        }
        float[] x = new float[n * per];
        for (int i = 0; i < n; i++) {
            float[] v = images.get(i).data().clone();
            Preprocess.normalise(v, info.channels(), s, info.mean(), info.std());
            System.arraycopy(v, 0, x, i * per, per);
        }
        int[] targets = null;
        if (targetIndex != null) {
            targets = new int[n];
            java.util.Arrays.fill(targets, targetIndex);
        }
        List<Explanation> explanations;
        List<Attribution.Result> attributions = null;
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray batchArray = scope.create(x, new Shape(n, info.channels(), s, s));
            if (cam instanceof Attribution a) {
                attributions = a.attribute(batchArray, targets);
                explanations = Attribution.explanations(attributions);
            } else {
                explanations = cam.explain(batchArray, targets);
            }
        }
        for (int i = 0; i < n; i++) {
            Explanation e = explanations.get(i);
            String base = stems.get(i) + "." + name;
            writeMaps(stage, base, images.get(i), e);
            if (boxes) {
                ExplainBoxes.write(stage.resolve(base + ExplainBoxes.SUFFIX), files.get(i), name, e, info.classNames(),
                        boxFraction);
            }
            String extra = "";
            if (attributions != null) {
                Attribution.Result r = attributions.get(i);
                Npy.write(stage.resolve(base + ".attr.npy"), r.signed(), r.height(), r.width());
                if (!Double.isNaN(r.delta())) {
                    extra = String.format(Locale.ROOT, ", completeness delta %.3g", r.delta());
                }
            }
            System.out.printf(Locale.ROOT, "%s: %s (logit %.4g%s) -> %s%n", files.get(i),
                    info.classNames().get(e.target()), e.score(), extra, out.resolve(base + ".png"));
        }
    }

    /**
     * A segmentation model explained over a region: the mean logit of {@code --target} inside {@code --box}
     * (image pixels) or a mask ({@code --region}). CAM layers default to the last decoder stage.
     */
    private Integer explainSegmentation(org.lumen.nn.segment.Segmenter seg, List<Path> files, List<String> stems)
            throws IOException {
        if (box != null && region != null) {
            throw new LumenException("--region", "give a region as --box or as --region, not both");
        }
        if (region == null && !Regions.isBox(boxArray())) {
            throw new LumenException("--box", "a segmentation model is explained over a region: --box X1,Y1,X2,Y2"
                    + " or --region MASK.png");
        }
        Image regionMask = region == null ? null : ImageDecoder.read(region, ImageDecoder.DEFAULT_MAX_PIXELS);
        if (target == null) {
            throw new LumenException("--target", "name the class to explain, one of " + seg.info().classNames());
        }
        ModelInfo info = seg.info();
        int cls = resolveTarget(target, info.classNames());
        TargetedExplainer.Place place = regionMask != null ? TargetedExplainer.Place.mask(regionMask, region.toString())
                : TargetedExplainer.Place.box(boxArray());
        return oneByOne(files, stems, TargetedExplainer.of(seg, this::explainer), place, cls,
                e -> String.format(Locale.ROOT, "%s over the region (mean logit %.4g)", info.classNames().get(cls),
                        e.score()));
    }

    /** {@code --box} as an array (null when not given). */
    private double[] boxArray() {
        return box == null ? null : box.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** {@code --box}: a detector's detection explained, one image at a time. */
    private Integer explainDetections(List<Path> files, List<String> stems) throws IOException {
        if (!Regions.isBox(boxArray())) {
            throw new LumenException("--box", "a detector needs --box X1,Y1,X2,Y2 with X2 > X1 and Y2 > Y1");
        }
        try (org.lumen.nn.detect.Detector det = modelOptions.openDetector()) {
            int cls = target == null ? -1 : resolveTarget(target, det.info().classNames());
            return oneByOne(files, stems, TargetedExplainer.of(det, this::explainer),
                    TargetedExplainer.Place.box(boxArray()), cls,
                    e -> String.format(Locale.ROOT, "detection score (logit %.4g) at box %s", e.score(), box));
        }
    }

    /**
     * Explains the images one at a time at {@code place} (detection and segmentation targets are per image), staged
     * and published; {@code report} says what was explained, printed as {@code <file>: <report> -> <png>}.
     */
    private Integer oneByOne(List<Path> files, List<String> stems, TargetedExplainer explainer,
            TargetedExplainer.Place place, int cls, Function<Explanation, String> report) throws IOException {
        String name = Explainers.name(explainer.explainer());
        return StagedOutput.run(out, errors, stage -> {
            for (int i = 0; i < files.size() && !errors.stopped(); i++) {
                Path file = files.get(i);
                Image raw = errors.attempt(file, () -> ImageDecoder.read(file));
                if (raw == null) {
                    continue;
                }
                TargetedExplainer.Explained one = explainer.explain(raw, place, cls);
                String base = stems.get(i) + "." + name;
                writeMaps(stage, base, one.shown(), one.explanation());
                System.out.println(file + ": " + report.apply(one.explanation()) + " -> " + out.resolve(base + ".png"));
            }
        });
    }

    /** {@code <base>.png} (the heatmap over the image), {@code <base>.npy} and {@code <base>.raw.npy} into the stage. */
    private static void writeMaps(Path stage, String base, Image image, Explanation e) throws IOException {
        ImageOps.writePng(HeatmapOverlay.render(image, e.heatmap(), Colormap.viridis()), stage.resolve(base + ".png"));
        Npy.write(stage.resolve(base + ".npy"), e.heatmap(), e.height(), e.width());
        Npy.write(stage.resolve(base + ".raw.npy"), e.raw(), e.rawHeight(), e.rawWidth());
    }

    /**
     * The explainer {@code --method} names for {@code model} ({@link Explainers#create}): CAM layers from
     * {@code --layer}, else {@code defaultLayers} (empty: the model's default).
     */
    private Explainer explainer(Module model, List<String> defaultLayers) {
        return Explainers.create(model, method, layers, defaultLayers, counterfactual, b -> b.optBase(base)
                .optSteps(steps).optNoise(samples == null ? -1 : samples, noiseSd).optSegments(segments)
                .optSuperpixels(superpixels).optWindow(window, stride).optBatchSize(batch));
    }

    /** The names {@code --method} accepts, from the registries, for its help. */
    static final class MethodNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Explainers.methods().iterator();
        }
    }

    /** A class name, or an index (range-checked against the model's classes). */
    static int resolveTarget(String t, List<String> classNames) {
        int byName = classNames.indexOf(t);
        if (byName >= 0) {
            return byName;
        }
        try {
            int index = Integer.parseInt(t.trim());
            if (index < 0 || index >= classNames.size()) {
                throw new LumenException("--target", "class " + index + " is out of range: the model has "
                        + classNames.size() + " classes (0.." + (classNames.size() - 1) + ")");
            }
            return index;
        } catch (NumberFormatException e) {
            List<String> shown = classNames.subList(0, Math.min(20, classNames.size()));
            throw new LumenException("--target", "no class named '" + t + "'; classes: " + String.join(", ", shown)
                    + (classNames.size() > shown.size() ? ", ..." : "") + " (or an index)");
        }
    }
}
