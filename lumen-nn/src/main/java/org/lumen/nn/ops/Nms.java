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
 * suppresses nothing. Where torchvision compares each kept box with every later one, this finds the kept boxes a
 * box touches through a grid, which changes the work (about linear in N for boxes spread over an image, instead of
 * quadratic) and not the answer.
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
        int kept = suppress(sorted, alive, 0, n, iouThreshold, new int[n]);
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
        int[] stamp = new int[n];
        int total = 0;
        for (int from = 0; from < n;) {
            int to = from + 1;
            while (to < n && (byClass[to] >> 32) == (byClass[from] >> 32)) {
                to++;
            }
            int k = suppress(sorted, alive, from, to, iouThreshold, stamp);
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
     * The core: {@code alive[from, to)} holds positions into {@code sorted} in decreasing score order; keeps each one
     * whose IoU with every earlier kept one is at most the threshold, moving the kept ones, in order, to
     * {@code alive[from, from + k)}; returns k. {@code stamp} is scratch, one int per box, zero on the first call.
     */
    private static int suppress(float[] sorted, int[] alive, int from, int to, double iouThreshold, int[] stamp) {
        return iouThreshold >= 0 && finite(sorted, alive, from, to)
                ? suppressWithGrid(sorted, alive, from, to, iouThreshold, stamp)
                : suppressByScan(sorted, alive, from, to, iouThreshold);
    }

    /**
     * Compares each box only with the kept boxes it touches, found through a uniform grid over the boxes' extent
     * (cells no smaller than the mean box). Valid when the threshold is >= 0: boxes that do not intersect have IoU 0
     * (or NaN), which never exceeds it, and two intersecting boxes share a cell. The decision for each box is the
     * kernel's (some earlier kept box has IoU above the threshold), so the result is the same as
     * {@link #suppressByScan}.
     */
    private static int suppressWithGrid(float[] sorted, int[] alive, int from, int to, double iouThreshold,
            int[] stamp) {
        int count = to - from;
        double minX = Double.POSITIVE_INFINITY, minY = minX, maxX = Double.NEGATIVE_INFINITY, maxY = maxX;
        double sumW = 0, sumH = 0;
        for (int p = from; p < to; p++) {
            int b = 5 * alive[p];
            minX = Math.min(minX, sorted[b]);
            minY = Math.min(minY, sorted[b + 1]);
            maxX = Math.max(maxX, sorted[b + 2]);
            maxY = Math.max(maxY, sorted[b + 3]);
            sumW += Math.max(0, sorted[b + 2] - sorted[b]);
            sumH += Math.max(0, sorted[b + 3] - sorted[b + 1]);
        }
        Grid grid = new Grid(minX, maxX, minY, maxY, sumW / count, sumH / count, count);
        int kept = from;
        for (int p = from; p < to; p++) {
            int j = alive[p];
            int bj = 5 * j;
            int cx0 = grid.col(sorted[bj]), cx1 = grid.col(sorted[bj + 2]);
            int cy0 = grid.row(sorted[bj + 1]), cy1 = grid.row(sorted[bj + 3]);
            boolean suppressed = false;
            if (cx0 == cx1 && cy0 == cy1) { // one cell: each kept box is listed there at most once
                int cell = cy0 * grid.cols + cx0;
                int[] items = grid.items[cell];
                for (int e = 0, m = grid.sizes[cell]; e < m; e++) {
                    if (suppresses(sorted, 5 * items[e], bj, iouThreshold)) {
                        suppressed = true;
                        break;
                    }
                }
            } else {
                suppressed = suppressedInCells(sorted, bj, grid, cx0, cx1, cy0, cy1, iouThreshold, stamp,
                        p + 1); // p + 1: unique over all calls sharing stamp
            }
            if (!suppressed) {
                alive[kept++] = j;
                for (int cy = cy0; cy <= cy1; cy++) {
                    for (int cx = cx0; cx <= cx1; cx++) {
                        grid.add(cy * grid.cols + cx, j);
                    }
                }
            }
        }
        return kept - from;
    }

    /** Whether a kept box listed in the cells {@code [cx0, cx1] x [cy0, cy1]} suppresses the box at {@code bj}. */
    private static boolean suppressedInCells(float[] sorted, int bj, Grid grid, int cx0, int cx1, int cy0, int cy1,
            double iouThreshold, int[] stamp, int query) {
        for (int cy = cy0; cy <= cy1; cy++) {
            for (int cx = cx0; cx <= cx1; cx++) {
                int cell = cy * grid.cols + cx;
                int[] items = grid.items[cell];
                for (int e = 0, m = grid.sizes[cell]; e < m; e++) {
                    int i = items[e];
                    if (stamp[i] != query) { // a kept box spanning several cells is compared once
                        stamp[i] = query;
                        if (suppresses(sorted, 5 * i, bj, iouThreshold)) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /**
     * The kernel's loop, for what the grid cannot take (a negative or NaN threshold, non-finite coordinates): each
     * kept box is compared with every later box still alive, the survivors compacted to the front as it goes.
     */
    private static int suppressByScan(float[] sorted, int[] alive, int from, int to, double iouThreshold) {
        int end = to;
        for (int p = from; p < end; p++) {
            int bi = 5 * alive[p];
            int w = p + 1;
            for (int q = p + 1; q < end; q++) {
                int j = alive[q];
                if (!suppressesExactly(sorted, bi, 5 * j, iouThreshold)) {
                    alive[w++] = j;
                }
            }
            end = w;
        }
        return end - from;
    }

    /**
     * Whether the kept box at {@code sorted[bi]} suppresses the box at {@code sorted[bj]}: their IoU, computed in
     * float32 as the kernel does, is above the threshold. For finite coordinates only: Math.max/min (branch-free,
     * twice as fast here as comparisons on random boxes) differ from the kernel's std::max/std::min only on NaN and
     * on the sign of a zero, which cannot change the intersection of finite boxes.
     */
    private static boolean suppresses(float[] sorted, int bi, int bj, double iouThreshold) {
        float dw = Math.min(sorted[bi + 2], sorted[bj + 2]) - Math.max(sorted[bi], sorted[bj]);
        float dh = Math.min(sorted[bi + 3], sorted[bj + 3]) - Math.max(sorted[bi + 1], sorted[bj + 1]);
        float inter = Math.max(0f, dw) * Math.max(0f, dh);
        return inter / (sorted[bi + 4] + sorted[bj + 4] - inter) > iouThreshold;
    }

    /** {@link #suppresses} for any input: the kernel's std::max/std::min to the letter (NaN, -0, operand order). */
    private static boolean suppressesExactly(float[] sorted, int bi, int bj, double iouThreshold) {
        float ix1 = sorted[bi], iy1 = sorted[bi + 1], ix2 = sorted[bi + 2], iy2 = sorted[bi + 3];
        float jx1 = sorted[bj], jy1 = sorted[bj + 1], jx2 = sorted[bj + 2], jy2 = sorted[bj + 3];
        float xx1 = ix1 < jx1 ? jx1 : ix1;
        float yy1 = iy1 < jy1 ? jy1 : iy1;
        float xx2 = jx2 < ix2 ? jx2 : ix2;
        float yy2 = jy2 < iy2 ? jy2 : iy2;
        float dw = xx2 - xx1, dh = yy2 - yy1;
        float inter = (0f < dw ? dw : 0f) * (0f < dh ? dh : 0f);
        return inter / (sorted[bi + 4] + sorted[bj + 4] - inter) > iouThreshold;
    }

    private static boolean finite(float[] sorted, int[] alive, int from, int to) {
        for (int p = from; p < to; p++) {
            int b = 5 * alive[p];
            for (int c = 0; c < 5; c++) {
                if (!Float.isFinite(sorted[b + c])) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Kept boxes by grid cell, in the order kept: an array per cell (scanned without pointer chasing). */
    private static final class Grid {
        private static final int[] EMPTY = new int[0];
        final int cols, rows;
        private final double minX, minY, cellW, cellH;
        final int[][] items;
        final int[] sizes;

        /**
         * About sqrt(n) x sqrt(n) cells over the extent, each at least the mean box size; along an axis where the mean
         * box is over a quarter of the extent, a single cell (boxes there overlap anyway, and a box listed in
         * several cells would be visited several times).
         */
        Grid(double minX, double maxX, double minY, double maxY, double meanW, double meanH, int n) {
            int side = Math.max(1, (int) Math.sqrt(n));
            this.minX = minX;
            this.minY = minY;
            this.cellW = cellSize(maxX - minX, meanW, side);
            this.cellH = cellSize(maxY - minY, meanH, side);
            this.cols = cells(maxX - minX, cellW, side);
            this.rows = cells(maxY - minY, cellH, side);
            this.items = new int[cols * rows][];
            Arrays.fill(items, EMPTY);
            this.sizes = new int[cols * rows];
        }

        private static double cellSize(double extent, double mean, int side) {
            double size = 4 * mean > extent ? extent : Math.max(extent / side, mean);
            return size > 0 ? size : 1;
        }

        /** At least 1, even when every box is malformed (negative extent). */
        private static int cells(double extent, double size, int side) {
            return Math.max(1, (int) Math.min(side, Math.ceil(extent / size))); // col() clamps the far edge into the last
        }

        int col(float x) {
            return clamp((int) ((x - minX) / cellW), cols);
        }

        int row(float y) {
            return clamp((int) ((y - minY) / cellH), rows);
        }

        private static int clamp(int c, int n) {
            return c < 0 ? 0 : c >= n ? n - 1 : c;
        }

        void add(int cell, int box) {
            int size = sizes[cell];
            if (size == items[cell].length) {
                items[cell] = Arrays.copyOf(items[cell], Math.max(4, 2 * size));
            }
            items[cell][size] = box;
            sizes[cell] = size + 1;
        }
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
