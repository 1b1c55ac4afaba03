package org.lumen.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * torchvision 0.14's {@code roi_align} (Mask R-CNN's RoIAlign with average pooling), differentiable with respect to
 * the input.
 *
 * <p>RoIAlign is linear in the input: every output bin is a fixed weighted sum of input pixels (bilinear weights of
 * the bin's sampling points, divided by their count). So the sampling geometry, which depends only on the boxes,
 * is worked out here in Java, following the CPU kernel step by step (in the input's precision, float32 or float64),
 * into a sparse matrix {@code M [K*outH*outW, N*H*W]}; the result is {@code M} times the channels-last input, one
 * libtorch sparse-dense product. Autograd then gives the input's gradient, {@code M^T} times the output's, which
 * is exactly the kernel's backward. Boxes get no gradient (as in torchvision).
 *
 * <p>Semantics, as the kernel: box corners are scaled by {@code spatialScale} and, when {@code aligned}, shifted by
 * -0.5; without {@code aligned} a box is at least 1x1. Each of the {@code outH x outW} bins averages a grid of
 * {@code samplingRatio^2} points, or, when {@code samplingRatio <= 0}, {@code ceil(boxHeight / outH) x
 * ceil(boxWidth / outW)} points (a box of non-positive size then has no points, and its bins are 0). A point more
 * than one pixel outside the map contributes 0 (but counts); otherwise coordinates below 0 are taken as 0 and those
 * past the last row/column as that row/column, then interpolated bilinearly.
 */
public final class RoiAlign {
    private RoiAlign() {}

    /**
     * @param input {@code [N, C, H, W]}, float32 or float64
     * @param rois {@code [K, 5]}: batch index, then {@code x1, y1, x2, y2} in the coordinates of the image that
     *     {@code spatialScale} maps to the input
     * @return {@code [K, C, outH, outW]}, input's dtype
     * @throws IllegalArgumentException on a bad shape, dtype, output size or batch index
     */
    public static NDArray roiAlign(NDArray input, NDArray rois, int outH, int outW, double spatialScale,
            int samplingRatio, boolean aligned) {
        DataType type = input.getDataType();
        if (type != DataType.FLOAT32 && type != DataType.FLOAT64) {
            throw new IllegalArgumentException("roi_align: input must be float32 or float64, got " + type);
        }
        Shape s = input.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("roi_align: input must be [N, C, H, W], got " + s);
        }
        Shape rs = rois.getShape();
        if (rs.dimension() != 2 || rs.get(1) != 5) {
            throw new IllegalArgumentException("roi_align: rois must be [K, 5], got " + rs);
        }
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("roi_align: output size must be positive, got " + outH + "x" + outW);
        }
        int n = Math.toIntExact(s.get(0)), c = Math.toIntExact(s.get(1));
        int h = Math.toIntExact(s.get(2)), w = Math.toIntExact(s.get(3));
        int k = Math.toIntExact(rs.get(0));
        NDManager manager = input.getManager();
        if (k == 0 || c == 0) {
            return manager.zeros(new Shape(k, c, outH, outW), type);
        }
        Sampling sampling = new Sampling(type == DataType.FLOAT32, n, h, w, outH, outW, samplingRatio, aligned);
        double[] r = rois.toType(DataType.FLOAT64, false).toDoubleArray();
        for (int i = 0; i < k; i++) {
            sampling.addRoi(i, r, spatialScale);
        }
        long rows = (long) k * outH * outW;
        long cols = (long) n * h * w;
        NDArray matrix = Functional.sparseCoo(manager, sampling.values(), sampling.rows(), sampling.cols(),
                new Shape(rows, cols));
        NDArray channelsLast = input.transpose(0, 2, 3, 1).reshape(cols, c);
        return matrix.matMul(channelsLast).reshape(k, outH, outW, c).transpose(0, 3, 1, 2);
    }

    /**
     * The sparse matrix's entries, computed with the kernel's arithmetic: in float32 every operation's result is
     * rounded to float (double arithmetic on floats, rounded after each step, equals float arithmetic).
     */
    private static final class Sampling {
        private final boolean single;
        private final int batch, height, width, outH, outW, samplingRatio;
        private final boolean aligned;
        private long[] rows = new long[1024];
        private long[] cols = new long[1024];
        private double[] values = new double[1024];
        private int size;
        // per axis, per sampling point: low index, high index, low weight, high weight (valid = low index >= 0)
        private int[] yLow = new int[0], yHigh = new int[0], xLow = new int[0], xHigh = new int[0];
        private double[] yLowW = new double[0], yHighW = new double[0], xLowW = new double[0], xHighW = new double[0];

        Sampling(boolean single, int batch, int height, int width, int outH, int outW, int samplingRatio,
                boolean aligned) {
            this.single = single;
            this.batch = batch;
            this.height = height;
            this.width = width;
            this.outH = outH;
            this.outW = outW;
            this.samplingRatio = samplingRatio;
            this.aligned = aligned;
        }

        /** Rounds to the kernel's precision. */
        private double t(double v) {
            return single ? (float) v : v;
        }

        void addRoi(int i, double[] r, double spatialScale) {
            double batchValue = t(r[5 * i]);
            int b = (int) batchValue; // the kernel's int conversion
            if (!(batchValue >= 0) || b >= batch) {
                throw new IllegalArgumentException("roi_align: roi " + i + " has batch index " + batchValue
                        + ", input has " + batch);
            }
            double scale = t(spatialScale);
            double offset = aligned ? 0.5 : 0;
            double startW = t(t(t(r[5 * i + 1]) * scale) - offset);
            double startH = t(t(t(r[5 * i + 2]) * scale) - offset);
            double endW = t(t(t(r[5 * i + 3]) * scale) - offset);
            double endH = t(t(t(r[5 * i + 4]) * scale) - offset);
            double roiW = t(endW - startW);
            double roiH = t(endH - startH);
            if (!aligned) { // malformed boxes forced to 1x1
                roiW = Math.max(roiW, 1);
                roiH = Math.max(roiH, 1);
            }
            double binH = t(roiH / outH);
            double binW = t(roiW / outW);
            int gridH = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(t(roiH / outH));
            int gridW = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(t(roiW / outW));
            if (gridH <= 0 || gridW <= 0) {
                return; // no sampling points: the bins stay 0
            }
            double count = gridH * gridW;
            int ny = outH * gridH, nx = outW * gridW;
            ensureAxes(ny, nx);
            axis(startH, binH, outH, gridH, height, yLow, yHigh, yLowW, yHighW);
            axis(startW, binW, outW, gridW, width, xLow, xHigh, xLowW, xHighW);
            long plane = (long) b * height * width;
            for (int ph = 0; ph < outH; ph++) {
                for (int pw = 0; pw < outW; pw++) {
                    long row = ((long) i * outH + ph) * outW + pw;
                    for (int iy = ph * gridH; iy < (ph + 1) * gridH; iy++) {
                        if (yLow[iy] < 0) {
                            continue;
                        }
                        for (int ix = pw * gridW; ix < (pw + 1) * gridW; ix++) {
                            if (xLow[ix] < 0) {
                                continue;
                            }
                            long lo = plane + (long) yLow[iy] * width, hi = plane + (long) yHigh[iy] * width;
                            add(row, lo + xLow[ix], t(yLowW[iy] * xLowW[ix]), count);
                            add(row, lo + xHigh[ix], t(yLowW[iy] * xHighW[ix]), count);
                            add(row, hi + xLow[ix], t(yHighW[iy] * xLowW[ix]), count);
                            add(row, hi + xHigh[ix], t(yHighW[iy] * xHighW[ix]), count);
                        }
                    }
                }
            }
        }

        /**
         * One axis of the kernel's {@code pre_calc_for_bilinear_interpolate}: for each bin and sampling point the two
         * neighbouring pixel indices and their weights ({@code hy = 1 - ly}, {@code ly}); low index -1 where the
         * point is out of range (the kernel zeroes the point if either coordinate is).
         */
        private void axis(double start, double bin, int bins, int grid, int size, int[] low, int[] high,
                double[] lowW, double[] highW) {
            for (int p = 0; p < bins; p++) {
                for (int g = 0; g < grid; g++) {
                    int at = p * grid + g;
                    double v = t(t(start + t(p * bin)) + t(t((g + 0.5) * bin) / grid));
                    if (v < -1.0 || v > size) {
                        low[at] = -1;
                        continue;
                    }
                    if (v <= 0) {
                        v = 0;
                    }
                    int lo = (int) v, hi;
                    if (lo >= size - 1) {
                        hi = lo = size - 1;
                        v = lo;
                    } else {
                        hi = lo + 1;
                    }
                    double l = t(v - lo);
                    low[at] = lo;
                    high[at] = hi;
                    lowW[at] = t(1 - l);
                    highW[at] = l;
                }
            }
        }

        private void ensureAxes(int ny, int nx) {
            if (yLow.length < ny) {
                yLow = new int[ny];
                yHigh = new int[ny];
                yLowW = new double[ny];
                yHighW = new double[ny];
            }
            if (xLow.length < nx) {
                xLow = new int[nx];
                xHigh = new int[nx];
                xLowW = new double[nx];
                xHighW = new double[nx];
            }
        }

        private void add(long row, long col, double weight, double count) {
            if (weight == 0) {
                return; // a clamped edge: the kernel reads the pixel with weight 0
            }
            if (size == values.length) {
                rows = Arrays.copyOf(rows, 2 * size);
                cols = Arrays.copyOf(cols, 2 * size);
                values = Arrays.copyOf(values, 2 * size);
            }
            rows[size] = row;
            cols[size] = col;
            values[size++] = t(weight / count);
        }

        /** An explicit 0 at (0, 0) when there is nothing else, so that the matrix is never empty. */
        private int entries() {
            if (size == 0) {
                rows[0] = 0;
                cols[0] = 0;
                values[0] = 0;
                size = 1;
            }
            return size;
        }

        long[] rows() {
            return Arrays.copyOf(rows, entries());
        }

        long[] cols() {
            return Arrays.copyOf(cols, entries());
        }

        Buffer values() {
            int m = entries();
            if (!single) {
                return DoubleBuffer.wrap(Arrays.copyOf(values, m));
            }
            float[] f = new float[m];
            for (int i = 0; i < m; i++) {
                f[i] = (float) values[i];
            }
            return FloatBuffer.wrap(f);
        }
    }
}
