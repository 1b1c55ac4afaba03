package org.lumen.nn.explain.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lumen.core.report.Plots;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.explain.Explainer;
import org.lumen.nn.explain.Explainers;
import org.lumen.nn.explain.Explanation;

/**
 * Explains images with one or more methods and scores every map with every metric ({@link FaithfulnessMetrics},
 * the {@link PointingGame}, and the {@link RankCorrelation} between methods): what {@code lumen explain-eval}
 * writes and the demo's report shows. Each method explains the same target per image (the one asked for, else the
 * top prediction, fixed by the first method), so the methods are compared on equal terms. Methods are keyed by
 * {@link Explainers#name}.
 */
public final class ExplanationScores {
    /** One method's map of one image and its scores; {@code pointing} is null without ground truth. */
    public record Scored(Explanation explanation, PerturbationCurve deletion, PerturbationCurve insertion, Road road,
            ConfidenceChange confidence, PointingGame.Result pointing) {}

    /** One image: its name, per method (in order) its scores, and the rank correlation of each pair of methods. */
    public record ImageScores(String name, int target, Map<String, Scored> methods, Map<String, Double> correlations) {}

    private ExplanationScores() {}

    /**
     * Explains and scores images, {@code batch} at a time.
     *
     * @param cams the explainers, one per method, in the order of the results
     * @param names one name per image (reported as given)
     * @param images normalised images, one {@code float[C * S * S]} each, at the model's input size
     * @param targets one class per image, or null for each image's top prediction
     * @param truth ground-truth boxes per image in model-input pixels, null entries (or a null list) for none
     * @param tolerance the pointing game's tolerance in model-input pixels
     * @param batch images explained and scored together
     * @return per image, in order, each method's scores and each pair's rank correlation
     */
    public static List<ImageScores> evaluate(Classifier model, List<? extends Explainer> cams, FaithfulnessMetrics metrics,
            List<String> names,
            List<float[]> images, int[] targets, List<List<double[]>> truth, double tolerance, int batch) {
        ModelInfo info = model.info();
        int s = info.imgsz();
        int per = info.channels() * s * s;
        List<ImageScores> out = new ArrayList<>();
        for (int from = 0; from < images.size(); from += batch) {
            int n = Math.min(batch, images.size() - from);
            float[] x = new float[n * per];
            for (int i = 0; i < n; i++) {
                System.arraycopy(images.get(from + i), 0, x, i * per, per);
            }
            int[] t = targets == null ? null : java.util.Arrays.copyOfRange(targets, from, from + n);
            List<Map<String, Scored>> byImage = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                byImage.add(new LinkedHashMap<>());
            }
            try (NDManager scope = model.manager().newSubManager()) {
                NDArray xs = scope.create(x, new Shape(n, info.channels(), s, s));
                for (Explainer cam : cams) {
                    List<Explanation> ex = cam.explain(xs, t);
                    if (t == null) {
                        t = ex.stream().mapToInt(Explanation::target).toArray(); // later methods: the same targets
                    }
                    float[][] maps = ex.stream().map(Explanation::heatmap).toArray(float[][]::new);
                    List<PerturbationCurve> del = metrics.deletion(xs, maps, t);
                    List<PerturbationCurve> ins = metrics.insertion(xs, maps, t);
                    List<Road> road = metrics.road(xs, maps, t);
                    List<ConfidenceChange> conf = metrics.confidenceChange(xs, maps, t);
                    for (int i = 0; i < n; i++) {
                        List<double[]> boxes = truth == null ? null : truth.get(from + i);
                        PointingGame.Result point = boxes == null ? null
                                : PointingGame.boxes(maps[i], s, s, boxes, tolerance);
                        byImage.get(i).put(Explainers.name(cam), new Scored(ex.get(i), del.get(i), ins.get(i),
                                road.get(i), conf.get(i), point));
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                Map<String, Scored> m = byImage.get(i);
                Map<String, Double> corr = new LinkedHashMap<>();
                List<String> methods = new ArrayList<>(m.keySet());
                for (int a = 0; a < methods.size(); a++) {
                    for (int b = a + 1; b < methods.size(); b++) {
                        corr.put(pair(methods.get(a), methods.get(b)), RankCorrelation.spearman(
                                m.get(methods.get(a)).explanation().heatmap(), m.get(methods.get(b)).explanation().heatmap()));
                    }
                }
                out.add(new ImageScores(names.get(from + i), t[i], m, corr));
            }
        }
        return out;
    }

    /** The key of a pair of methods in {@link ImageScores#correlations()}: {@code "a vs b"}. */
    public static String pair(String a, String b) {
        return a + " vs " + b;
    }

    /** Per method, the means over images (pointing game over the images with ground truth). */
    public static Map<String, Object> means(List<ImageScores> images, List<String> methods) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String method : methods) {
            List<Scored> s = images.stream().map(i -> i.methods().get(method)).toList();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("deletion_auc", mean(s, x -> x.deletion().auc()));
            m.put("insertion_auc", mean(s, x -> x.insertion().auc()));
            m.put("road_morf", mean(s, x -> x.road().morfMean()));
            m.put("road_lerf", mean(s, x -> x.road().lerfMean()));
            m.put("road_combined", mean(s, x -> x.road().combined()));
            m.put("confidence_change", mean(s, x -> x.confidence().change()));
            m.put("drop_in_confidence", mean(s, x -> x.confidence().drop()));
            m.put("average_drop", mean(s, x -> x.confidence().relativeDrop()));
            m.put("increase_in_confidence", mean(s, x -> x.confidence().increase() ? 1 : 0));
            List<Scored> pointed = s.stream().filter(x -> x.pointing() != null).toList();
            if (!pointed.isEmpty()) {
                long hits = pointed.stream().filter(x -> x.pointing().hit()).count();
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("hits", hits);
                p.put("images", pointed.size());
                p.put("hit_rate", hits / (double) pointed.size());
                m.put("pointing_game", p);
            }
            out.put(method, m);
        }
        return out;
    }

    /** The mean over images of each pair's rank correlation (NaN values, from constant maps, left out). */
    public static Map<String, Double> meanCorrelations(List<ImageScores> images) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (images.isEmpty()) {
            return out;
        }
        for (String pair : images.get(0).correlations().keySet()) {
            out.put(pair, images.stream().mapToDouble(i -> i.correlations().get(pair)).filter(d -> !Double.isNaN(d))
                    .average().orElse(Double.NaN));
        }
        return out;
    }

    private static double mean(List<Scored> s, java.util.function.ToDoubleFunction<Scored> f) {
        return s.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN);
    }

    /**
     * Writes a PNG of the mean deletion and insertion curves per method, two panels; all images share the curves'
     * fractions. {@code score} labels the y axis.
     */
    public static void plotCurves(Path png, List<ImageScores> images, List<String> methods, String score) throws IOException {
        Map<String, double[][]> del = new LinkedHashMap<>();
        Map<String, double[][]> ins = new LinkedHashMap<>();
        for (String method : methods) {
            List<Scored> s = images.stream().map(i -> i.methods().get(method)).toList();
            del.put(String.format(java.util.Locale.ROOT, "%s (AUC %.3f)", method, mean(s, x -> x.deletion().auc())),
                    meanCurve(s.stream().map(Scored::deletion).toList()));
            ins.put(String.format(java.util.Locale.ROOT, "%s (AUC %.3f)", method, mean(s, x -> x.insertion().auc())),
                    meanCurve(s.stream().map(Scored::insertion).toList()));
        }
        Plots.curvePanels(png, List.of(
                new Plots.CurvePanel("Deletion (lower is better)", "Fraction of pixels deleted", score, del),
                new Plots.CurvePanel("Insertion (higher is better)", "Fraction of pixels inserted", score, ins)));
    }

    private static double[][] meanCurve(List<PerturbationCurve> curves) {
        double[] x = curves.get(0).fractions();
        double[] y = new double[x.length];
        for (PerturbationCurve c : curves) {
            for (int k = 0; k < y.length; k++) {
                y[k] += c.scores()[k] / curves.size();
            }
        }
        return new double[][] {x, y};
    }
}
