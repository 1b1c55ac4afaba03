package org.lumen.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.lumen.core.metrics.detection.Boxes;

/**
 * The gate in front of every timing of {@code side-by-side.sh}: Lumen's outputs for the weights and input that
 * {@code torch_side.py --export DIR} wrote must agree with PyTorch's outputs for them ({@code DIR/reference.json})
 * before either side is timed. A fast wrong answer is not a speed-up.
 *
 * <ul>
 *   <li>{@code values} (logits, the first training step's loss, input gradients, raw Grad-CAM maps): largest
 *       difference at most {@link #RELATIVE} of the reference's largest magnitude;</li>
 *   <li>{@code detections}: at least {@link #MATCHED} of each side's detections matched one to one with the
 *       other's (same label, IoU at least {@link #MATCH_IOU}, scores within {@link #SCORE}).</li>
 * </ul>
 */
final class OutputCheck {
    static final double RELATIVE = 1e-4;
    static final double MATCHED = 0.95;
    static final double MATCH_IOU = 0.9;
    static final double SCORE = 1e-3;

    /** The files written by {@code torch_side.py --export}. */
    record Exported(Path weights, Path input, Path reference) {
        static Exported in(Path dir) {
            return new Exported(dir.resolve("weights.safetensors"), dir.resolve("input.f32"), dir.resolve("reference.json"));
        }
    }

    /** The verdict, printed as one JSON line. */
    record Verdict(String mode, boolean ok, String measure, double value, double bound) {
        String json() {
            return String.format(Locale.ROOT, "{\"check\":\"%s\",\"ok\":%b,\"measure\":\"%s\",\"value\":%.6g,"
                    + "\"bound\":%.6g}", mode, ok, measure, value, bound);
        }
    }

    private OutputCheck() {}

    static JsonNode reference(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    /** The input written beside the weights: raw little-endian float32. */
    static float[] input(Path file, long expected) throws IOException {
        byte[] b = Files.readAllBytes(file);
        if (b.length != 4 * expected) {
            throw new IllegalArgumentException(file + ": " + b.length / 4 + " floats, this run needs " + expected);
        }
        float[] x = new float[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(x);
        return x;
    }

    /** The labels written with the input ({@code FILE.json}'s {@code labels}). */
    static long[] labels(Path input) throws IOException {
        JsonNode l = new ObjectMapper().readTree(input.resolveSibling(input.getFileName() + ".json").toFile())
                .get("labels");
        long[] y = new long[l.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = l.get(i).asLong();
        }
        return y;
    }

    /** Compares {@code values} (logits, loss, gradients, or raw maps) with the reference's; NaN fails. */
    static Verdict values(String mode, JsonNode ref, float[] values) {
        JsonNode want = ref.get("values");
        if (want.size() != values.length) {
            return new Verdict(mode, false, "count", values.length, want.size());
        }
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < values.length; i++) {
            double w = want.get(i).asDouble();
            scale = Math.max(scale, Math.abs(w));
            diff = Math.max(diff, Math.abs(values[i] - w));
            if (Double.isNaN(values[i])) {
                diff = Double.POSITIVE_INFINITY;
            }
        }
        double rel = diff / Math.max(scale, Double.MIN_NORMAL);
        return new Verdict(mode, rel <= RELATIVE, "max_diff_over_max_abs", rel, RELATIVE);
    }

    /** Matches Lumen's detections with the reference's, one to one, both ways; an empty reference fails. */
    static Verdict detections(String mode, JsonNode ref, Boxes got) {
        JsonNode b = ref.get("boxes");
        int n = ref.get("labels").size();
        double[] xyxy = new double[4 * n];
        int[] labels = new int[n];
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 4; k++) {
                xyxy[4 * i + k] = b.get(4 * i + k).asDouble();
            }
            labels[i] = ref.get("labels").get(i).asInt();
            scores[i] = ref.get("scores").get(i).asDouble();
        }
        Boxes want = new Boxes(xyxy, labels, scores);
        int matched = matched(want, got);
        double share = n == 0 || got.size() == 0 ? 0 : Math.min(matched / (double) n, matched / (double) got.size());
        return new Verdict(mode, share >= MATCHED, "matched_share_" + matched + "_of_" + n + "_and_" + got.size(),
                share, MATCHED);
    }

    /** Greedy one-to-one matching in the reference's score order: same label, IoU and score within bounds. */
    static int matched(Boxes want, Boxes got) {
        boolean[] used = new boolean[got.size()];
        int matched = 0;
        for (int i = 0; i < want.size(); i++) {
            int best = -1;
            double bestIou = MATCH_IOU;
            for (int j = 0; j < got.size(); j++) {
                if (used[j] || got.labels()[j] != want.labels()[i]
                        || Math.abs(got.scores()[j] - want.scores()[i]) > SCORE) {
                    continue;
                }
                double iou = want.iou(i, got, j);
                if (iou >= bestIou) {
                    best = j;
                    bestIou = iou;
                }
            }
            if (best >= 0) {
                used[best] = true;
                matched++;
            }
        }
        return matched;
    }
}
