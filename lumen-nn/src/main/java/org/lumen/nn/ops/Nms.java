package org.lumen.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;

/**
 * Non-maximum suppression with torchvision 0.14's CPU semantics ({@code torchvision.ops.nms} and
 * {@code batched_nms}), in Java over float arrays: torchvision's kernel is not part of libtorch, and NMS has no
 * gradient.
 *
 * <p>Boxes are visited in decreasing score order, equal scores in increasing index order (torchvision's kernel
 * sorts stably); a box is kept unless its IoU with an already kept box is greater than the threshold. IoU is
 * computed in float32 exactly as the kernel does ({@code inter / (area_i + area_j - inter)}, compared with the
 * threshold in double), so the kept indices are the same, boundary cases included. A NaN IoU (two empty boxes)
 * suppresses nothing.
 *
 * <p>Boxes are {@code (x1, y1, x2, y2)} with {@code x1 <= x2, y1 <= y2}; in the array forms they are packed 4 per
 * box.
 */
public final class Nms {
    /** Above this many boxes torchvision's CPU {@code batched_nms} runs NMS class by class (its "vanilla" path). */
    private static final int COORDINATE_TRICK_MAX_BOXES = 1000;

    private Nms() {}

    /**
     * {@code nms}: indices of the kept boxes, in decreasing score order.
     *
     * @param boxes float32 {@code [N, 4]}
     * @param scores float32 {@code [N]}
     * @return int64 {@code [K]}, in {@code boxes}' manager
     */
    public static NDArray nms(NDArray boxes, NDArray scores, double iouThreshold) {
        int[] keep = nms(floats(boxes, "boxes"), floats(scores, "scores"), iouThreshold);
        return indices(boxes.getManager(), keep);
    }

    /**
     * {@code batched_nms}: NMS within each category, never across; indices of the kept boxes in decreasing score
     * order (equal scores by increasing index).
     *
     * @param idxs {@code [N]} integer category of each box
     */
    public static NDArray batchedNms(NDArray boxes, NDArray scores, NDArray idxs, double iouThreshold) {
        int[] classes = idxs.toType(DataType.INT32, false).toIntArray();
        int[] keep = batchedNms(floats(boxes, "boxes"), floats(scores, "scores"), classes, iouThreshold);
        return indices(boxes.getManager(), keep);
    }

    /** {@link #nms(NDArray, NDArray, double)} on packed boxes ({@code 4 * N} floats). */
    public static int[] nms(float[] boxes, float[] scores, double iouThreshold) {
        int n = count(boxes, scores);
        int[] order = descendingOrder(scores);
        float[] sorted = sortedBoxes(boxes, order);
        int[] alive = identity(n);
        int kept = suppress(sorted, alive, 0, n, iouThreshold);
        int[] keep = new int[kept];
        for (int k = 0; k < kept; k++) {
            keep[k] = order[alive[k]];
        }
        return keep;
    }

    /**
     * {@link #batchedNms(NDArray, NDArray, NDArray, double)} on packed boxes. Like torchvision on the CPU, up to
     * 1,000 boxes it shifts each category's boxes by {@code category * (max coordinate + 1)} (in float32) and runs
     * one NMS, so rounding of the shifted coordinates decides boundary cases exactly as there; above that it runs
     * NMS per category. (torchvision then orders the kept boxes with an unstable sort, so for equal scores its
     * order may differ from this one; the kept set is the same.)
     */
    public static int[] batchedNms(float[] boxes, float[] scores, int[] classes, double iouThreshold) {
        int n = count(boxes, scores);
        if (classes.length != n) {
            throw new IllegalArgumentException("classes: " + classes.length + " values for " + n + " boxes");
        }
        if (n == 0) {
            return new int[0];
        }
        if (n <= COORDINATE_TRICK_MAX_BOXES) {
            return nms(shiftedByClass(boxes, classes), scores, iouThreshold);
        }
        int[] order = descendingOrder(scores);
        float[] sorted = sortedBoxes(boxes, order);
        // sorted positions grouped by class, each group in sorted (score) order
        long[] byClass = new long[n];
        for (int p = 0; p < n; p++) {
            byClass[p] = ((long) classes[order[p]] << 32) | p;
        }
        Arrays.sort(byClass);
        int[] alive = new int[n];
        for (int p = 0; p < n; p++) {
            alive[p] = (int) byClass[p];
        }
        boolean[] kept = new boolean[n];
        int total = 0;
        for (int from = 0; from < n;) {
            int to = from + 1;
            while (to < n && (byClass[to] >> 32) == (byClass[from] >> 32)) {
                to++;
            }
            int k = suppress(sorted, alive, from, to, iouThreshold);
            for (int q = from; q < from + k; q++) {
                kept[alive[q]] = true;
            }
            total += k;
            from = to;
        }
        int[] keep = new int[total];
        for (int p = 0, k = 0; p < n; p++) {
            if (kept[p]) {
                keep[k++] = order[p];
            }
        }
        return keep;
    }

    /**
     * The core: {@code alive[from, to)} holds positions into {@code sorted} in decreasing score order; keeps each
     * one not suppressed by an earlier kept one, compacting the survivors to the front as it goes, so each kept
     * box is compared only with boxes still alive. Returns how many were kept, at {@code alive[from, from + k)}.
     */
    private static int suppress(float[] sorted, int[] alive, int from, int to, double iouThreshold) {
        int end = to;
        for (int p = from; p < end; p++) {
            int bi = 5 * alive[p];
            float ix1 = sorted[bi], iy1 = sorted[bi + 1], ix2 = sorted[bi + 2], iy2 = sorted[bi + 3];
            float iarea = sorted[bi + 4];
            int w = p + 1;
            for (int q = p + 1; q < end; q++) {
                int j = alive[q];
                int bj = 5 * j;
                // the kernel's std::max/std::min, operand order included (they differ from Math.max on NaN, -0)
                float jx1 = sorted[bj], jy1 = sorted[bj + 1], jx2 = sorted[bj + 2], jy2 = sorted[bj + 3];
                float xx1 = ix1 < jx1 ? jx1 : ix1;
                float yy1 = iy1 < jy1 ? jy1 : iy1;
                float xx2 = jx2 < ix2 ? jx2 : ix2;
                float yy2 = jy2 < iy2 ? jy2 : iy2;
                float dw = xx2 - xx1, dh = yy2 - yy1;
                float inter = (0f < dw ? dw : 0f) * (0f < dh ? dh : 0f);
                float ovr = inter / (iarea + sorted[bj + 4] - inter);
                if (!(ovr > iouThreshold)) {
                    alive[w++] = j;
                }
            }
            end = w;
        }
        return end - from;
    }

    /** Box indices by decreasing score, equal scores by increasing index (NaN first, -0 equal to 0, as torch). */
    static int[] descendingOrder(float[] scores) {
        int n = scores.length;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            float s = scores[i] == 0f ? 0f : scores[i];
            int bits = Float.floatToIntBits(s);
            int ordered = bits ^ ((bits >> 31) & 0x7fffffff); // int order == float order
            keys[i] = ((long) ~ordered << 32) | i;
        }
        Arrays.sort(keys);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }

    /** {@code x1, y1, x2, y2, area} of each box in sorted order, packed 5 per box (one cache line per box). */
    private static float[] sortedBoxes(float[] boxes, int[] order) {
        float[] s = new float[5 * order.length];
        for (int p = 0; p < order.length; p++) {
            int b = 4 * order[p];
            float x1 = boxes[b], y1 = boxes[b + 1], x2 = boxes[b + 2], y2 = boxes[b + 3];
            s[5 * p] = x1;
            s[5 * p + 1] = y1;
            s[5 * p + 2] = x2;
            s[5 * p + 3] = y2;
            s[5 * p + 4] = (x2 - x1) * (y2 - y1);
        }
        return s;
    }

    /** torchvision's {@code _batched_nms_coordinate_trick}: {@code boxes + idxs * (boxes.max() + 1)}, in float32. */
    private static float[] shiftedByClass(float[] boxes, int[] classes) {
        float max = boxes[0];
        for (float v : boxes) {
            max = Math.max(max, v);
        }
        float step = max + 1f;
        float[] shifted = new float[boxes.length];
        for (int i = 0; i < classes.length; i++) {
            float offset = (float) classes[i] * step;
            for (int c = 0; c < 4; c++) {
                shifted[4 * i + c] = boxes[4 * i + c] + offset;
            }
        }
        return shifted;
    }

    private static int count(float[] boxes, float[] scores) {
        if (boxes.length != 4 * scores.length) {
            throw new IllegalArgumentException("boxes: " + boxes.length + " values for " + scores.length
                    + " scores (want 4 per box)");
        }
        return scores.length;
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private static float[] floats(NDArray a, String what) {
        if (a.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException(what + ": want float32, got " + a.getDataType());
        }
        long[] shape = a.getShape().getShape();
        boolean ok = what.equals("boxes") ? shape.length == 2 && shape[1] == 4 : shape.length == 1;
        if (!ok) {
            throw new IllegalArgumentException(what + ": want " + (what.equals("boxes") ? "[N, 4]" : "[N]") + ", got "
                    + a.getShape());
        }
        return a.toFloatArray();
    }

    private static NDArray indices(NDManager manager, int[] keep) {
        long[] l = new long[keep.length];
        for (int i = 0; i < keep.length; i++) {
            l[i] = keep[i];
        }
        return manager.create(l);
    }
}
