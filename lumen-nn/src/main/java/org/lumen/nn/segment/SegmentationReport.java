package org.lumen.nn.segment;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.lumen.core.image.Image;
import org.lumen.core.image.MaskOverlay;
import org.lumen.core.io.AtomicFiles;
import org.lumen.core.metrics.SegmentationMetrics;
import org.lumen.core.report.Json;

/**
 * The files of a segmentation evaluation, in a folder replaced whole: {@code metrics.json} (the
 * {@link SegmentationMetrics} summary, per class, the boundary tolerance, counts), {@code predictions.csv}
 * ({@code image,pixel_accuracy,dice_foreground,iou_foreground}: one row per image) and {@code predictions.png}
 * (up to {@link #PLOTTED} images with the predicted classes tinted and the true boundaries in white).
 */
public final class SegmentationReport {
    public static final String METRICS = "metrics.json";
    public static final String PREDICTIONS = "predictions.csv";
    public static final String PLOT = "predictions.png";
    public static final int PLOTTED = 16;

    private SegmentationReport() {}

    public static void write(Path folder, SegmentationEvaluation e, MaskImages images, List<String> classes,
            int channels) throws IOException {
        SegmentationMetrics m = e.metrics();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("task", Segmenter.TASK);
        json.put("classes", classes);
        json.put("images", images.size());
        json.put("imgsz", images.imgsz());
        json.put("loss", e.loss());
        json.putAll(m.summary());
        json.put("boundary_tolerance_px", SegmentationEvaluation.BOUNDARY_TOLERANCE);
        json.put("per_class", m.perClass(classes));
        json.put("confusion_matrix", m.confusion());
        int s = images.imgsz();
        AtomicFiles.writeFolder(folder, dir -> {
            Json.write(dir.resolve(METRICS), json);
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(dir.resolve(PREDICTIONS)))) {
                w.println("image,pixel_accuracy,dice_foreground,iou_foreground");
                for (int i = 0; i < images.size(); i++) {
                    SegmentationMetrics one = new SegmentationMetrics(Math.max(2, classes.size()), 0);
                    one.add(images.mask(i), e.predicted()[i], s, s);
                    w.printf(java.util.Locale.ROOT, "%s,%.6f,%.6f,%.6f%n", csv(images.name(i)), one.pixelAccuracy(),
                            one.foregroundDice(), one.foregroundIou());
                }
            }
            List<BufferedImage> tiles = new ArrayList<>();
            int scale = Math.max(1, 128 / s);
            for (int i = 0; i < Math.min(PLOTTED, images.size()); i++) {
                Image img = new Image(channels, s, s, images.pixels(i), 8, Image.Scale.NORMALISED);
                tiles.add(MaskOverlay.render(img, e.predicted()[i], images.mask(i), scale));
            }
            ImageIO.write(MaskOverlay.grid(tiles, 4), "png", dir.resolve(PLOT).toFile());
        });
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
