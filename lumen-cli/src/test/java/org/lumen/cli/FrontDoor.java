package org.lumen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.lumen.core.geometry.Rle;
import org.lumen.core.io.Npy;
import org.lumen.core.testing.Python;

/**
 * Shared pieces of the front-door parity tests: the reference scripts (test resources under {@code frontdoor/}),
 * scikit-image's photographs, and reading what {@code predict --json} printed.
 */
final class FrontDoor {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FrontDoor() {}

    /** Runs the reference script {@code frontdoor/<script>} with {@code args}, in {@code dir}. */
    static String reference(Path dir, String script, String... args) {
        return Python.run(dir, resource("/frontdoor/" + script), args);
    }

    static String[] args(List<String> first, List<String> rest) {
        List<String> all = new ArrayList<>(first);
        all.addAll(rest);
        return all.toArray(String[]::new);
    }

    /** A photograph scikit-image ships ({@code skimage/data/<name>}). */
    static Path photograph(String name) {
        String dir = Python.run(Path.of("target", "frontdoor"),
                "import os, skimage\nprint(os.path.join(os.path.dirname(skimage.__file__), 'data'))").strip();
        return Path.of(dir, name);
    }

    /** The JSON lines of {@code predict --json}, ordered by their {@code image} file name. */
    static List<JsonNode> jsonLinesByImage(String out) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.lines().filter(l -> l.startsWith("{")).toList()) {
            lines.add(JSON.readTree(line));
        }
        lines.sort(Comparator.comparing(n -> Path.of(n.get("image").asText()).getFileName().toString()));
        return lines;
    }

    static float[] floats(JsonNode array) {
        float[] f = new float[array.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) array.get(i).asDouble();
        }
        return f;
    }

    /** A 2-D .npy array as rows. */
    static float[][] rows(Npy.Array a) {
        int[] shape = a.shape();
        float[] flat = a.floats();
        float[][] out = new float[shape[0]][shape[1]];
        for (int i = 0; i < shape[0]; i++) {
            System.arraycopy(flat, i * shape[1], out[i], 0, shape[1]);
        }
        return out;
    }

    static double maxAbsDiff(float[][] a, float[][] b) {
        if (a.length != b.length) {
            throw new AssertionError("rows differ: " + a.length + " vs " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i].length != b[i].length) {
                throw new AssertionError("row " + i + " lengths differ: " + a[i].length + " vs " + b[i].length);
            }
            for (int j = 0; j < a[i].length; j++) {
                m = Math.max(m, Math.abs((double) a[i][j] - b[i][j]));
            }
        }
        return m;
    }

    static double maxAbs(float[][] a) {
        double m = 0;
        for (float[] row : a) {
            for (float v : row) {
                m = Math.max(m, Math.abs(v));
            }
        }
        return m;
    }

    /**
     * For each detection of {@code from} (a {@code predict --json} detections array, or a reference's in the same
     * form), the index of one in {@code to} it matches (the same label, score within 1e-3, IoU >= 0.9), or -1.
     */
    static int[] matches(JsonNode from, JsonNode to) {
        int[] out = new int[from.size()];
        for (int i = 0; i < from.size(); i++) {
            out[i] = -1;
            JsonNode a = from.get(i);
            for (int j = 0; j < to.size(); j++) {
                JsonNode b = to.get(j);
                if (a.get("label").asInt() == b.get("label").asInt()
                        && Math.abs(a.get("score").asDouble() - b.get("score").asDouble()) <= 1e-3
                        && iou(a.get("box"), b.get("box")) >= 0.9) {
                    out[i] = j;
                    break;
                }
            }
        }
        return out;
    }

    static double iou(JsonNode a, JsonNode b) {
        double w = Math.min(a.get(2).asDouble(), b.get(2).asDouble()) - Math.max(a.get(0).asDouble(), b.get(0).asDouble());
        double h = Math.min(a.get(3).asDouble(), b.get(3).asDouble()) - Math.max(a.get(1).asDouble(), b.get(1).asDouble());
        if (w <= 0 || h <= 0) {
            return 0;
        }
        double inter = w * h;
        double areaA = (a.get(2).asDouble() - a.get(0).asDouble()) * (a.get(3).asDouble() - a.get(1).asDouble());
        double areaB = (b.get(2).asDouble() - b.get(0).asDouble()) * (b.get(3).asDouble() - b.get(1).asDouble());
        return inter / (areaA + areaB - inter);
    }

    /**
     * The median IoU between each matched detection's mask ({@code predict --json}'s RLE) and the reference's
     * ({@code npy}: uint8 {@code [N, H, W]}, in the reference's order); {@code toGot} from {@link #matches}.
     */
    static double medianMaskIou(Path npy, JsonNode got, int[] toGot) throws Exception {
        Npy.Array stack = Npy.read(npy);
        int[] shape = stack.shape();
        int h = shape[1];
        int w = shape[2];
        long[] want = stack.longs();
        List<Double> ious = new ArrayList<>();
        for (int i = 0; i < toGot.length; i++) {
            if (toGot[i] < 0) {
                continue;
            }
            JsonNode mask = got.get(toGot[i]).get("mask");
            org.junit.jupiter.api.Assertions.assertEquals(h, mask.get("size").get(0).asInt());
            org.junit.jupiter.api.Assertions.assertEquals(w, mask.get("size").get(1).asInt());
            byte[] m = Rle.fromCompressedString(mask.get("counts").asText(), h, w).decode();
            long inter = 0;
            long union = 0;
            for (int p = 0; p < m.length; p++) {
                boolean g = m[p] != 0;
                boolean t = want[i * h * w + p] != 0;
                inter += g && t ? 1 : 0;
                union += g || t ? 1 : 0;
            }
            ious.add(union == 0 ? 1.0 : (double) inter / union);
        }
        org.junit.jupiter.api.Assertions.assertTrue(!ious.isEmpty(), "no matched detections");
        ious.sort(null);
        return ious.get(ious.size() / 2);
    }

    private static String resource(String name) {
        try (InputStream in = FrontDoor.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
