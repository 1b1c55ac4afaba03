package org.lumen.nn.explain.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lumen.core.report.Json;
import org.lumen.nn.explain.Explanation;

/**
 * The {@code <stem>.<method>.boxes.json} sidecar of an explanation (what {@code lumen explain} writes when boxes
 * are asked for): the Grad-CAM paper's localisation box of a heatmap ({@link LocalisationBox}), in the pixels of the model's input (the grid of the
 * {@code .npy} heatmap, {@code width x height}), {@code [x1, y1, x2, y2]} with pixel-edge coordinates; {@code box}
 * is null when the map is all zero.
 */
public final class ExplainBoxes {
    /** The sidecar's file name after {@code <stem>.<method>}. */
    public static final String SUFFIX = ".boxes.json";

    private ExplainBoxes() {}

    /**
     * Writes the sidecar of explanation {@code e} of {@code image} by {@code method}: the box above {@code fraction}
     * (in [0, 1]) of the heatmap's maximum, the target's index and class name.
     */
    public static void write(Path file, Path image, String method, Explanation e, List<String> classNames,
            double fraction) throws IOException {
        LocalisationBox b = LocalisationBox.of(e.heatmap(), e.height(), e.width(), fraction);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("image", image.toString());
        json.put("method", method);
        json.put("target", e.target());
        json.put("class", classNames.get(e.target()));
        json.put("width", e.width());
        json.put("height", e.height());
        json.put("fraction", fraction);
        json.put("threshold", b == null ? null : b.threshold());
        json.put("box", b == null ? null : b.xyxy());
        json.put("pixels", b == null ? 0 : b.pixels());
        Json.write(file, json);
    }
}
