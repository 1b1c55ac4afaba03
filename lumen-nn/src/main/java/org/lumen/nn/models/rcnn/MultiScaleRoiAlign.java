package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.lumen.nn.ops.LevelMapper;
import org.lumen.nn.ops.RoiAlign;

/**
 * torchvision's {@code MultiScaleRoIAlign} over the body's FPN levels ('0'..'3' for a ResNet, '0', '1' for
 * MobileNetV2; never the max-pooled one): each box (per image, in transformed-image pixels) is pooled to
 * {@code outSize x outSize} ({@code [K, 256, outSize, outSize]}) by RoIAlign with sampling ratio 2 (not aligned)
 * from the level its size maps to ({@link LevelMapper}). The levels' scales come from the largest transformed
 * image, as torchvision's {@code setup_scales}. The box head pools at 7, Mask R-CNN's mask head at 14.
 */
final class MultiScaleRoiAlign {
    private static final int SAMPLING_RATIO = 2;

    private final int levels;
    private final int outSize;

    /** @param levels the FPN levels pooled from, finest first */
    MultiScaleRoiAlign(int levels, int outSize) {
        this.levels = levels;
        this.outSize = outSize;
    }

    /**
     * RoIAlign'd boxes in level order (level 0's first, each level's in box order), and for each box, in box
     * order, its row there: a head that treats rows independently runs on them as they are and gathers its (much
     * smaller) outputs back into box order, instead of the pooled tensor being reordered (at 800 pixels, 1000
     * proposals pooled to 256x7x7 are 50 MB).
     */
    record Pooled(NDArray pooled, NDArray rows) {}

    /** The pooled boxes {@code [K, C, outSize, outSize]} in box order. */
    NDArray pool(RcnnTransform.Batch batch, List<NDArray> feats, List<NDArray> boxesPerImage) {
        Pooled p = pooledByLevel(batch, feats, boxesPerImage);
        return p.pooled().get(p.rows());
    }

    Pooled pooledByLevel(RcnnTransform.Batch batch, List<NDArray> feats, List<NDArray> boxesPerImage) {
        NDManager m = batch.images().getManager();
        int maxH = 0;
        for (int[] s : batch.sizes()) {
            maxH = Math.max(maxH, s[0]);
        }
        double[] scales = new double[levels];
        for (int l = 0; l < levels; l++) {
            double approx = (double) feats.get(l).getShape().get(2) / maxH;
            scales[l] = Math.pow(2, Math.round(Math.log(approx) / Math.log(2)));
        }
        int kMin = (int) -Math.round(Math.log(scales[0]) / Math.log(2));
        int kMax = (int) -Math.round(Math.log(scales[levels - 1]) / Math.log(2));
        LevelMapper mapper = new LevelMapper(kMin, kMax);
        List<NDArray> rois = new ArrayList<>();
        for (int i = 0; i < boxesPerImage.size(); i++) {
            NDArray p = boxesPerImage.get(i);
            NDArray idx = m.full(new Shape(p.getShape().get(0), 1), (float) i);
            rois.add(idx.concat(p, 1));
        }
        NDArray allRois = NDArrays.concat(new NDList(rois), 0);
        NDArray allBoxes = NDArrays.concat(new NDList(boxesPerImage), 0);
        long k = allRois.getShape().get(0);
        long[] lv = mapper.levels(allBoxes).toLongArray();
        // pooled per level, then put back in proposal order by a gather (differentiable, unlike an indexed write)
        NDList parts = new NDList();
        long[] order = new long[(int) k];
        int filled = 0;
        for (int l = 0; l < levels; l++) {
            List<Long> sel = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                if (lv[j] == l) {
                    sel.add((long) j);
                }
            }
            if (sel.isEmpty()) {
                continue;
            }
            NDArray s = m.create(sel.stream().mapToLong(Long::longValue).toArray());
            parts.add(RoiAlign.roiAlign(feats.get(l), allRois.get(s), outSize, outSize, scales[l], SAMPLING_RATIO,
                    false));
            for (long j : sel) {
                order[(int) j] = filled++;
            }
        }
        // boxes the mapper sends to a level index past the levels present (it spans kMin..kMax by powers of two,
        // which only fails to match when levels skip a stride) stay zeros, as in torchvision's result tensor
        List<Long> unpooled = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            if (lv[j] >= levels) {
                unpooled.add((long) j);
            }
        }
        if (!unpooled.isEmpty()) {
            long c = feats.get(0).getShape().get(1);
            parts.add(m.zeros(new Shape(unpooled.size(), c, outSize, outSize)));
            for (long j : unpooled) {
                order[(int) j] = filled++;
            }
        }
        // DJL's concat of a single array returns a duplicate cut off from autograd: no concat then (one level
        // pooled, as MobileNetV2's two stride-32 levels always are, lost the RoI heads' gradient into the body)
        NDArray pooled = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
        return new Pooled(pooled, m.create(order));
    }
}
