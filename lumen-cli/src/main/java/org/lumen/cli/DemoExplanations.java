package org.lumen.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lumen.core.data.CocoDataset;
import org.lumen.core.data.CocoReader;
import org.lumen.core.image.Colormap;
import org.lumen.core.image.HeatmapOverlay;
import org.lumen.core.image.Image;
import org.lumen.core.image.ImageOps;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.classify.Evaluation;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.model.Preprocess;
import org.lumen.nn.explain.Cam;
import org.lumen.nn.explain.eval.ExplanationScores;
import org.lumen.nn.explain.eval.FaithfulnessMetrics;
import org.lumen.nn.explain.eval.PointingGame;
import org.lumen.nn.train.LabeledImages;

/**
 * The demo's explanation step: Grad-CAM maps of a few test galaxies (mistakes of each class first, then correct
 * ones, alternating classes), their overlays, and how good the maps are: deletion and insertion AUC, ROAD, and
 * the pointing game against the survey's clump boxes for the truly clumpy galaxies.
 *
 * <p>The layer is {@code layer2}. At the demo's 64-pixel input ResNet-18's {@code layer4} is 2 x 2, one cell per
 * quadrant, {@code layer3} 4 x 4 and {@code layer2} 8 x 8; its receptive field (about 99 pixels) already spans
 * the whole galaxy. Measured on the demo model's 120 test galaxies (seed 0) with Grad-CAM, the pointing game on
 * the 60 clumpy ones scored 58/60 at layer2, 38/60 at layer3 and 0/20 at layer4 (on the first 20), and
 * deletion/insertion AUC were 0.54/0.98 at layer2 and layer3 but 0.51/0.71 at layer4 on clumpy galaxies alone
 * (layer3 0.12/0.97, layer2 0.09/0.98): layer4's maps are too coarse to say anything about clumps.
 */
final class DemoExplanations {
    static final int COUNT = 12;
    static final String METHOD = "gradcam";
    static final String LAYER = "layer2";
    static final String FOLDER = "explain";
    /** Height in pixels of the overlay PNGs: the 64-pixel inputs and their maps are enlarged to it for display. */
    static final int DISPLAY = 256;

    /** One explained galaxy: its overlay PNG and its scores. */
    record Shown(Path overlay, ExplanationScores.Scored scores) {}

    /** By test-image index. */
    final Map<Integer, Shown> shown = new LinkedHashMap<>();
    final Map<String, Object> summary;
    final Path curves;
    final double tolerance;
    final double seconds;

    private DemoExplanations(Map<String, Object> summary, Path curves, double tolerance, double seconds) {
        this.summary = summary;
        this.curves = curves;
        this.tolerance = tolerance;
        this.seconds = seconds;
    }

    static DemoExplanations run(Classifier model, Evaluation e, LabeledImages images, Path testCoco, Path out)
            throws IOException {
        long start = System.nanoTime();
        ModelInfo info = model.info();
        int s = info.imgsz();
        List<Integer> picked = pick(e, images);
        Map<String, List<double[]>> clumps = clumpBoxes(testCoco, s);
        int clumpy = info.classNames().indexOf("clumpy");
        List<String> names = new ArrayList<>();
        List<float[]> pixels = new ArrayList<>();
        List<List<double[]>> truth = new ArrayList<>();
        for (int i : picked) {
            Path file = Path.of(images.name(i));
            names.add(file.toString());
            float[] v = images.pixels(i);
            Preprocess.normalise(v, info.channels(), s, info.mean(), info.std());
            pixels.add(v);
            // the pointing game counts the truly clumpy galaxies: the others have no clump to point at
            truth.add(images.label(i) == clumpy ? clumps.get(file.getFileName().toString()) : null);
        }
        Cam cam = Cam.builder().setModel(model.net()).setMethod(METHOD).optLayers(LAYER).build();
        FaithfulnessMetrics metrics = FaithfulnessMetrics.builder().setModel(model.net()).build();
        double tolerance = PointingGame.PAPER_TOLERANCE * s / 224.0;
        List<ExplanationScores.ImageScores> scores = ExplanationScores.evaluate(model, List.of(cam), metrics, names,
                pixels, null, truth, tolerance, COUNT);
        Files.createDirectories(out);
        Path curves = out.resolve(ExplainEvalCommand.CURVES);
        ExplanationScores.plotCurves(curves, scores, List.of(METHOD), "probability");
        @SuppressWarnings("unchecked")
        Map<String, Object> summary = (Map<String, Object>) ExplanationScores.means(scores, List.of(METHOD)).get(METHOD);
        DemoExplanations d = new DemoExplanations(summary, curves, tolerance, (System.nanoTime() - start) / 1e9);
        for (int k = 0; k < picked.size(); k++) {
            Path file = Path.of(names.get(k));
            String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            ExplanationScores.Scored sc = scores.get(k).methods().get(METHOD);
            Path png = out.resolve(stem + "." + METHOD + ".png");
            ImageOps.writePng(overlay(Preprocess.load(file, s, info.channels()), sc.explanation().heatmap()), png);
            d.shown.put(picked.get(k), new Shown(png, sc));
        }
        return d;
    }

    /**
     * The overlay of {@code heat} on {@code image} as the report shows it: both enlarged to {@link #DISPLAY} pixels
     * high (width in proportion) by bilinear interpolation ({@link ImageOps#resize}, heat values kept in [0, 1]),
     * then drawn by {@link HeatmapOverlay} (so its legend bar is legible too). Images already that large are drawn
     * at their own size.
     *
     * @param heat {@code float[height * width]} in [0, 1] at the image's size
     */
    static BufferedImage overlay(Image image, float[] heat) {
        if (image.height() >= DISPLAY) {
            return HeatmapOverlay.render(image, heat, Colormap.viridis());
        }
        int h = DISPLAY;
        int w = (int) Math.round(image.width() * (double) DISPLAY / image.height());
        Image big = ImageOps.resize(image, h, w);
        float[] hot = ImageOps.resize(new Image(1, image.height(), image.width(), heat, 32, Image.Scale.PHYSICAL), h, w)
                .data();
        for (int i = 0; i < hot.length; i++) {
            hot[i] = Math.max(0f, Math.min(1f, hot[i]));
        }
        return HeatmapOverlay.render(big, hot, Colormap.viridis());
    }

    /**
     * Up to 3 mistakes of each true class, then correct galaxies alternating classes, then any others: {@link #COUNT}
     * in all, or every test galaxy if there are fewer.
     */
    static List<Integer> pick(Evaluation e, LabeledImages images) {
        int classes = e.metrics().classes().size();
        int[] predicted = e.metrics().predicted();
        List<List<Integer>> wrong = new ArrayList<>();
        List<List<Integer>> right = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            wrong.add(new ArrayList<>());
            right.add(new ArrayList<>());
        }
        for (int i = 0; i < images.size(); i++) {
            (predicted[i] == e.labels()[i] ? right : wrong).get(e.labels()[i]).add(i);
        }
        List<Integer> picked = new ArrayList<>();
        for (List<Integer> w : wrong) {
            picked.addAll(w.subList(0, Math.min(3, w.size())));
        }
        for (int k = 0; picked.size() < COUNT && k < images.size(); k++) {
            for (List<Integer> r : right) {
                if (k < r.size() && picked.size() < COUNT) {
                    picked.add(r.get(k));
                }
            }
        }
        for (int i = 0; picked.size() < COUNT && i < images.size(); i++) {
            if (!picked.contains(i)) {
                picked.add(i); // more mistakes than 3 a class and too few correct galaxies to fill up with
            }
        }
        return picked;
    }

    /** Clump boxes by file name, scaled to the model's input. */
    private static Map<String, List<double[]>> clumpBoxes(Path coco, int s) throws IOException {
        CocoDataset d = CocoReader.read(coco, null);
        Map<Long, CocoDataset.Image> byId = new HashMap<>();
        d.images().forEach(im -> byId.put(im.id(), im));
        Map<String, List<double[]>> out = new HashMap<>();
        for (CocoDataset.Annotation a : d.annotations()) {
            CocoDataset.Image im = byId.get(a.imageId());
            double sx = s / (double) im.width();
            double sy = s / (double) im.height();
            out.computeIfAbsent(Path.of(im.fileName()).getFileName().toString(), k -> new ArrayList<>())
                    .add(new double[] {a.x() * sx, a.y() * sy, (a.x() + a.width()) * sx, (a.y() + a.height()) * sy});
        }
        return out;
    }
}
