package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * torchvision's {@code AnchorGenerator}: for each feature level a set of sizes (pixels of the transformed image)
 * at aspect ratios (h / w) 0.5, 1 and 2, so {@code sizes x 3} anchors per place, each place a stride apart (the
 * image's size over the level's). Anchors of one level come row-major by place, and per place in
 * {@code generate_anchors} order, ratio-major then size; a base anchor is {@code round(+-w / 2), round(+-h / 2)}
 * about the place. torchvision's default for its ResNet detectors is one size per level, 32 to 512.
 */
public final class AnchorGenerator {
    private static final double[] RATIOS = {0.5, 1.0, 2.0};

    private final int[][] sizes;

    /**
     * @param sizes anchor sizes of each level, the same count on every level (the RPN head that scores them is
     *     shared by the levels)
     */
    public AnchorGenerator(int[][] sizes) {
        this.sizes = new int[sizes.length][];
        for (int l = 0; l < sizes.length; l++) {
            this.sizes[l] = sizes[l].clone();
            if (sizes[l].length != sizes[0].length) {
                throw new IllegalArgumentException("anchor sizes: every level needs as many (the RPN head is shared)");
            }
        }
    }

    /** One anchor size per level. */
    public static int[][] perLevel(int[] sizes) {
        int[][] out = new int[sizes.length][];
        for (int l = 0; l < sizes.length; l++) {
            out[l] = new int[] {sizes[l]};
        }
        return out;
    }

    /** The levels anchors are made for. */
    public int levels() {
        return sizes.length;
    }

    /** Anchors per place: sizes per level x 3 aspect ratios (torchvision's {@code num_anchors_per_location}). */
    public int anchorsPerPlace() {
        return sizes[0].length * RATIOS.length;
    }

    /**
     * Every level's anchors for a batch padded to {@code imgH x imgW}, level after level: {@code [total, 4]}.
     *
     * @param feats the levels' features {@code [N, C, h, w]}; a level's stride is {@code imgH / h, imgW / w}
     */
    NDArray forLevels(NDManager m, int imgH, int imgW, List<NDArray> feats) {
        float[][] per = new float[feats.size()][];
        int total = 0;
        for (int l = 0; l < feats.size(); l++) {
            int h = (int) feats.get(l).getShape().get(2);
            int w = (int) feats.get(l).getShape().get(3);
            per[l] = anchors(sizes[l], h, w, imgH / h, imgW / w);
            total += per[l].length;
        }
        float[] all = new float[total];
        int off = 0;
        for (float[] a : per) {
            System.arraycopy(a, 0, all, off, a.length);
            off += a.length;
        }
        return m.create(all, new Shape(total / 4, 4));
    }

    /** Anchors of one level with one size: {@code [H * W * 3, 4]}. */
    static float[] anchors(int size, int gridH, int gridW, int strideH, int strideW) {
        return anchors(new int[] {size}, gridH, gridW, strideH, strideW);
    }

    /**
     * Anchors of one level: {@code [H * W * A, 4]}, row-major places; per place torchvision's
     * {@code generate_anchors} order, ratio-major (0.5, 1, 2), then size.
     */
    static float[] anchors(int[] sizes, int gridH, int gridW, int strideH, int strideW) {
        int a = RATIOS.length * sizes.length;
        float[][] base = new float[a][];
        for (int r = 0; r < RATIOS.length; r++) {
            float hr = (float) Math.sqrt(RATIOS[r]);
            float wr = 1 / hr;
            for (int si = 0; si < sizes.length; si++) {
                float ws = wr * sizes[si];
                float hs = hr * sizes[si];
                base[r * sizes.length + si] = new float[] {
                    (float) Math.rint(-ws / 2), (float) Math.rint(-hs / 2), (float) Math.rint(ws / 2),
                    (float) Math.rint(hs / 2)};
            }
        }
        float[] out = new float[gridH * gridW * a * 4];
        int k = 0;
        for (int y = 0; y < gridH; y++) {
            for (int x = 0; x < gridW; x++) {
                for (int j = 0; j < a; j++) {
                    out[k++] = x * strideW + base[j][0];
                    out[k++] = y * strideH + base[j][1];
                    out[k++] = x * strideW + base[j][2];
                    out[k++] = y * strideH + base[j][3];
                }
            }
        }
        return out;
    }
}
