package org.lumen.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.lumen.core.LumenException;
import org.lumen.core.data.CocoDataset;
import org.lumen.core.data.CocoReader;
import org.lumen.core.image.Image;
import org.lumen.core.report.Json;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.explain.Attribution;
import org.lumen.nn.explain.Cam;
import org.lumen.nn.explain.Explainer;
import org.lumen.nn.explain.Explainers;
import org.lumen.nn.explain.eval.ExplanationScores;
import org.lumen.nn.explain.eval.FaithfulnessMetrics;
import org.lumen.nn.explain.eval.PointingGame;
import org.lumen.nn.explain.eval.Score;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lumen explain-eval}: how good explanations are. Writes {@code DIR/explain-eval.json} (settings, means per
 * method, mean rank correlations, and every image's scores and curves) and {@code DIR/deletion-insertion.png}.
 */
@Command(name = "explain-eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure the quality of explanations: per image and method, and their means.",
            "Deletion and insertion curves and AUC (RISE: pixels by heatmap rank, 0 = mean colour for deletion, "
            + "insertion from a blurred image), ROAD most/least-relevant-first with noisy linear imputation, "
            + "confidence change of image x heatmap, the pointing game against --boxes, and with several methods "
            + "the Spearman rank correlation between their maps. Scores are the target's softmax probability "
            + "(or --score logit). Writes DIR/explain-eval.json and DIR/deletion-insertion.png."},
        footer = {"", "Examples:",
            "  lumen explain-eval --model runs/clumps/best --method gradcam --out runs/clumps/xeval \\",
            "      survey/classify/test/clumpy",
            "  lumen explain-eval --model runs/clumps/best --method gradcam,occlusion,integrated-gradients \\",
            "      --out runs/clumps/xeval2 survey/classify/test/clumpy",
            "  lumen explain-eval --model runs/clumps/best --method gradcam,scorecam --layer layer3 \\",
            "      --boxes survey/detect/annotations/instances_test.json --out xeval survey/detect/images/test",
            "  lumen explain-eval --arch resnet18 --weights resnet18.safetensors --classes 1000 --method gradcam++ \\",
            "      --target 281 --steps 100 --out xeval cat.jpg"})
final class ExplainEvalCommand implements Callable<Integer> {
    static final String JSON = "explain-eval.json";
    static final String CURVES = "deletion-insertion.png";

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--method", required = true, split = ",", paramLabel = "NAME",
            description = "Method(s) to evaluate, comma-separated: CAM methods (on --layer) and attributions (saliency,"
                    + " inputxgradient, integrated-gradients, smoothgrad, occlusion; their defaults); with two or more,"
                    + " their maps' rank correlation (e.g. gradcam,occlusion).")
    List<String> methods;

    @Option(names = "--layer", split = ",", paramLabel = "L",
            description = "Module path(s) to explain (default: the architecture's last spatial block).")
    List<String> layers;

    @Option(names = "--target", paramLabel = "T", description = "Class name or index (default: each image's top prediction).")
    String target;

    @Option(names = "--boxes", paramLabel = "COCO.json",
            description = "Ground-truth boxes for the pointing game, matched to images by file name; images without"
                    + " an entry or without boxes are left out of it.")
    Path boxes;

    @Option(names = "--tolerance", paramLabel = "PX",
            description = "Pointing-game tolerance in model-input pixels (default: the paper's 15 px at 224, scaled"
                    + " to the input size).")
    Double tolerance;

    @Option(names = "--steps", defaultValue = "50", paramLabel = "N", description = "Steps of the deletion and insertion curves (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--percentiles", split = ",", paramLabel = "P", defaultValue = "10,20,30,40,50,60,70,80,90",
            description = "ROAD: percentages of pixels removed (default: ${DEFAULT-VALUE}).")
    int[] percentiles;

    @Option(names = "--score", defaultValue = "probability", paramLabel = "S",
            description = "What is measured: probability or logit of the target (default: ${DEFAULT-VALUE}).")
    Score score;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of ROAD's imputation noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch", defaultValue = "8", paramLabel = "B", description = "Images explained together (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files or folders.")
    List<Path> inputs;

    @Override
    public Integer call() throws IOException {
        check();
        List<Path> files = PredictCommand.expand(inputs);
        Map<String, List<double[]>> truth = boxes == null ? null : readBoxes(boxes, files);
        try (Classifier model = modelOptions.openClassifier()) {
            ModelInfo info = model.info();
            int s = info.imgsz();
            double tol = tolerance != null ? tolerance : PointingGame.PAPER_TOLERANCE * s / 224.0;
            List<Explainer> cams = new ArrayList<>();
            List<String> layerPaths = List.of();
            for (String m : methods) {
                // --layer is for the CAMs and guided-gradcam's Grad-CAM; the other attributions take no layer
                boolean takesLayers = !Attribution.isAttribution(m) || m.equalsIgnoreCase("guided-gradcam");
                Explainer e = Explainers.create(model.net(), m, takesLayers ? layers : null, List.of(), false,
                        b -> b.optSeed(seed));
                if (e instanceof Cam c) {
                    layerPaths = c.settings().layerPaths();
                }
                cams.add(e);
            }
            FaithfulnessMetrics metrics = FaithfulnessMetrics.builder().setModel(model.net()).optScore(score)
                    .optSteps(steps).optRoadPercentiles(percentiles).optSeed(seed).build();
            List<String> names = new ArrayList<>();
            List<float[]> images = new ArrayList<>();
            List<List<double[]>> gt = truth == null ? null : new ArrayList<>();
            for (Path f : files) {
                Image raw = org.lumen.core.image.ImageDecoder.read(f);
                names.add(f.toString());
                images.add(model.prepare(raw));
                if (gt != null) {
                    gt.add(scaled(truth.get(f.getFileName().toString()), s / (double) raw.width(), s / (double) raw.height()));
                }
            }
            int[] targets = null;
            if (target != null) {
                targets = new int[files.size()];
                java.util.Arrays.fill(targets, ExplainCommand.resolveTarget(target, info.classNames()));
            }
            List<String> methodNames = cams.stream().map(Explainers::name).toList();
            List<ExplanationScores.ImageScores> scores = ExplanationScores.evaluate(model, cams, metrics, names, images,
                    targets, gt, tol, batch);
            Files.createDirectories(out);
            Json.write(out.resolve(JSON), json(info, layerPaths, methodNames, scores, tol));
            ExplanationScores.plotCurves(out.resolve(CURVES), scores, methodNames, score.name().toLowerCase(Locale.ROOT));
            print(ExplanationScores.means(scores, methodNames), ExplanationScores.meanCorrelations(scores));
        }
        return Main.OK;
    }

    private void check() {
        Flags.between("--batch", batch, 1, Flags.MAX_EXPLAIN_BATCH);
        Flags.between("--steps", steps, 1, 10_000);
        for (int p : percentiles) {
            if (p < 1 || p > 99) {
                throw new LumenException("--percentiles", "each must be between 1 and 99, got " + p);
            }
        }
        if (tolerance != null && !(tolerance >= 0)) {
            throw new LumenException("--tolerance", "must be >= 0, got " + tolerance);
        }
        if (new LinkedHashSet<>(methods).size() != methods.size()) {
            throw new LumenException("--method", "names a method twice: " + String.join(",", methods));
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new LumenException(out, "exists and is not a folder");
        }
        if (boxes != null && !Files.isRegularFile(boxes)) {
            throw new LumenException(boxes, "no such file");
        }
    }

    /** COCO boxes {x1, y1, x2, y2} by image file name (every category), for the files given. */
    private static Map<String, List<double[]>> readBoxes(Path json, List<Path> files) throws IOException {
        CocoDataset coco = CocoReader.read(json, null);
        Map<Long, String> names = new HashMap<>();
        Map<String, List<double[]>> byName = new LinkedHashMap<>();
        for (CocoDataset.Image im : coco.images()) {
            String name = Path.of(im.fileName()).getFileName().toString();
            names.put(im.id(), name);
            byName.put(name, new ArrayList<>());
        }
        for (CocoDataset.Annotation a : coco.annotations()) {
            byName.get(names.get(a.imageId())).add(new double[] {a.x(), a.y(), a.x() + a.width(), a.y() + a.height()});
        }
        Map<String, List<double[]>> out = new HashMap<>();
        for (Path f : files) {
            List<double[]> b = byName.get(f.getFileName().toString());
            if (b != null && !b.isEmpty()) {
                out.put(f.getFileName().toString(), b);
            }
        }
        if (out.isEmpty()) {
            throw new LumenException(json, "none of the " + files.size() + " images has boxes in it (images are"
                    + " matched by file name)");
        }
        return out;
    }

    private static List<double[]> scaled(List<double[]> boxes, double sx, double sy) {
        if (boxes == null) {
            return null;
        }
        return boxes.stream().map(b -> new double[] {b[0] * sx, b[1] * sy, b[2] * sx, b[3] * sy}).toList();
    }

    private Map<String, Object> json(ModelInfo info, List<String> layerPaths, List<String> methodNames,
            List<ExplanationScores.ImageScores> scores, double tol) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("arch", info.arch());
        settings.put("imgsz", info.imgsz());
        settings.put("methods", methodNames);
        settings.put("layers", layerPaths);
        settings.put("score", score.name().toLowerCase(Locale.ROOT));
        settings.put("steps", steps);
        settings.put("deletion_baseline", "zero");
        settings.put("insertion_baseline", "blur");
        settings.put("road_percentiles", percentiles);
        settings.put("road_noise", org.lumen.nn.explain.eval.NoisyLinearImputer.DEFAULT_NOISE);
        settings.put("seed", seed);
        if (boxes != null) {
            settings.put("boxes", boxes.toString());
            settings.put("pointing_tolerance", tol);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("settings", settings);
        root.put("images", scores.size());
        root.put("mean", ExplanationScores.means(scores, methodNames));
        if (methodNames.size() > 1) {
            root.put("rank_correlation", ExplanationScores.meanCorrelations(scores));
        }
        if (!scores.isEmpty()) {
            root.put("fractions", scores.get(0).methods().values().iterator().next().deletion().fractions());
        }
        List<Map<String, Object>> perImage = new ArrayList<>();
        for (ExplanationScores.ImageScores im : scores) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("image", im.name());
            o.put("target", im.target());
            o.put("class", info.classNames().get(im.target()));
            Map<String, Object> ms = new LinkedHashMap<>();
            im.methods().forEach((name, s) -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("score", s.road().original());
                m.put("deletion_auc", s.deletion().auc());
                m.put("insertion_auc", s.insertion().auc());
                m.put("deletion", s.deletion().scores());
                m.put("insertion", s.insertion().scores());
                m.put("road_morf", s.road().morf());
                m.put("road_lerf", s.road().lerf());
                m.put("road_combined", s.road().combined());
                m.put("confidence_change", s.confidence().change());
                if (s.pointing() != null) {
                    m.put("pointing", Map.of("x", s.pointing().x(), "y", s.pointing().y(), "hit", s.pointing().hit()));
                }
                ms.put(name, m);
            });
            o.put("methods", ms);
            if (!im.correlations().isEmpty()) {
                o.put("rank_correlation", im.correlations());
            }
            perImage.add(o);
        }
        root.put("per_image", perImage);
        return root;
    }

    @SuppressWarnings("unchecked")
    private void print(Map<String, Object> means, Map<String, Double> correlations) {
        means.forEach((method, v) -> {
            Map<String, Object> m = (Map<String, Object>) v;
            System.out.printf(Locale.ROOT, "%s: deletion AUC %.4f, insertion AUC %.4f, ROAD combined %.4f, drop in"
                    + " confidence %.4f", method, m.get("deletion_auc"), m.get("insertion_auc"), m.get("road_combined"),
                    m.get("drop_in_confidence"));
            if (m.get("pointing_game") instanceof Map<?, ?> p) {
                System.out.printf(Locale.ROOT, ", pointing game %d/%d", p.get("hits"), p.get("images"));
            }
            System.out.println();
        });
        correlations.forEach((pair, r) -> System.out.printf(Locale.ROOT, "rank correlation %s: %.4f%n", pair, r));
        System.out.println(out.resolve(JSON));
    }
}
