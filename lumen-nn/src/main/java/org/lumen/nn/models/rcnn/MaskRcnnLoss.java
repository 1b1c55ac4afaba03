package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.ops.RoiAlign;
import org.lumen.nn.ops.Scalars;

/**
 * Mask R-CNN's training losses: {@link FasterRcnnLoss}'s four and torchvision 0.14's {@code loss_mask}
 * ({@code maskrcnn_loss}). The mask branch runs on the box head's sampled foreground proposals (the ground-truth
 * boxes among them, as torchvision adds them to the proposals): each is pooled to 14x14 by the same multi-scale
 * RoIAlign ({@code mask_roi_pool}), through the mask head and predictor to 28x28 logits per class. Its target
 * ({@code project_masks_on_boxes}) is the matched object's mask, binary, resized to the transformed image as
 * torchvision's transform does (nearest neighbour, the source pixel {@code floor(dst * in / out)} in float32) and
 * cut out by RoIAlign on the proposal's box: 28x28, spatial scale 1, adaptive sampling ({@code sampling_ratio -1}),
 * not aligned, so the target is a fraction in [0, 1] at the mask's edge. {@code loss_mask} is the binary
 * cross-entropy (mean over all positives' 28x28 cells) of the logits of each positive's true class; with no
 * positive in the batch it is 0 (still connected to the mask head, as torchvision's {@code mask_logits.sum() * 0}).
 */
final class MaskRcnnLoss {
    private MaskRcnnLoss() {}

    /**
     * The five losses and their sum ({@code loss}) for images {@code [3, H, W]} in [0, 1], their targets in those
     * images' pixels (labels 1-based) and, per image, each target object's mask ({@code H * W} values, row-major,
     * nonzero inside).
     *
     * @throws IllegalArgumentException when the masks do not match the images and their targets
     */
    static Map<String, NDArray> losses(MaskRcnn net, List<NDArray> images, List<Boxes> targets,
            List<float[][]> masks, FasterRcnnLoss.Sampling sampling) {
        check(images, targets, masks);
        FasterRcnnLoss.Sampled s = FasterRcnnLoss.sampled(net, images, targets, sampling);
        NDArray maskLoss = maskLoss(net, s, images, targets, masks);
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put("loss", s.losses().get("loss").add(maskLoss));
        for (Map.Entry<String, NDArray> e : s.losses().entrySet()) {
            if (!e.getKey().equals("loss")) {
                out.put(e.getKey(), e.getValue());
            }
        }
        out.put("loss_mask", maskLoss);
        return out;
    }

    private static void check(List<NDArray> images, List<Boxes> targets, List<float[][]> masks) {
        if (masks.size() != images.size()) {
            throw new IllegalArgumentException("masks for " + masks.size() + " images, but " + images.size()
                    + " images");
        }
        for (int i = 0; i < images.size(); i++) {
            long hw = images.get(i).getShape().get(1) * images.get(i).getShape().get(2);
            if (masks.get(i).length != targets.get(i).size()) {
                throw new IllegalArgumentException("image " + i + ": " + masks.get(i).length + " masks for "
                        + targets.get(i).size() + " objects");
            }
            for (int j = 0; j < masks.get(i).length; j++) {
                if (masks.get(i)[j].length != hw) {
                    throw new IllegalArgumentException("image " + i + ", object " + j + ": mask of "
                            + masks.get(i)[j].length + " values, but the image has " + hw + " pixels");
                }
            }
        }
    }

    private static NDArray maskLoss(MaskRcnn net, FasterRcnnLoss.Sampled s, List<NDArray> images,
            List<Boxes> targets, List<float[][]> masks) {
        NDManager m = s.batch().images().getManager();
        int total = 0;
        for (int[] idx : s.matched()) {
            total += idx.length;
        }
        if (total == 0) {
            // one dummy box through the mask branch, times 0: every mask parameter gets a (zero) gradient
            NDArray one = m.create(new float[] {0, 0, 1, 1}, new Shape(1, 4));
            List<NDArray> boxes = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                boxes.add(i == 0 ? one : m.zeros(new Shape(0, 4)));
            }
            return Scalars.mul(net.maskHeads(s.batch(), s.feats(), boxes).sum(), 0);
        }
        List<NDArray> boxes = new ArrayList<>();
        NDList projected = new NDList();
        long[] pick = new long[total];
        int c = net.numClasses();
        int k = 0;
        for (int i = 0; i < images.size(); i++) {
            float[] pos = s.positives().get(i);
            int[] matched = s.matched().get(i);
            boxes.add(m.create(pos, new Shape(matched.length, 4)));
            if (matched.length == 0) {
                continue;
            }
            projected.add(project(m, images.get(i), s.batch().sizes()[i], masks.get(i), pos, matched));
            for (int j : matched) {
                pick[k] = (long) k * c + targets.get(i).labels()[j];
                k++;
            }
        }
        NDArray logits = net.maskHeads(s.batch(), s.feats(), boxes);
        int size = MaskRcnn.MASK_SIZE;
        NDArray mine = logits.reshape((long) total * c, size, size).get(m.create(pick));
        NDArray target = projected.size() == 1 ? projected.get(0) : NDArrays.concat(projected, 0);
        return FasterRcnnLoss.binaryCrossEntropy(mine, target);
    }

    /**
     * {@code project_masks_on_boxes}: the image's object masks, binary and resized to the transformed image
     * ({@code size}), cut out on each positive's box (flat xyxy) from its matched object's mask: {@code [P, 28, 28]}.
     */
    private static NDArray project(NDManager m, NDArray image, int[] size, float[][] objects, float[] boxes,
            int[] matched) {
        int h = (int) image.getShape().get(1);
        int w = (int) image.getShape().get(2);
        int oh = size[0];
        int ow = size[1];
        int[] rows = nearest(h, oh);
        int[] cols = nearest(w, ow);
        float[] resized = new float[objects.length * oh * ow];
        for (int g = 0; g < objects.length; g++) {
            float[] src = objects[g];
            int base = g * oh * ow;
            for (int y = 0; y < oh; y++) {
                int line = rows[y] * w;
                for (int x = 0; x < ow; x++) {
                    resized[base + y * ow + x] = src[line + cols[x]] != 0 ? 1f : 0f;
                }
            }
        }
        NDArray gt = m.create(resized, new Shape(objects.length, 1, oh, ow));
        float[] rois = new float[5 * matched.length];
        for (int p = 0; p < matched.length; p++) {
            rois[5 * p] = matched[p];
            System.arraycopy(boxes, 4 * p, rois, 5 * p + 1, 4);
        }
        int size28 = MaskRcnn.MASK_SIZE;
        NDArray out = RoiAlign.roiAlign(gt, m.create(rois, new Shape(matched.length, 5)), size28, size28, 1.0, -1,
                false);
        return out.reshape(matched.length, size28, size28);
    }

    /**
     * The source index of each of {@code out} output pixels for torch's nearest-neighbour interpolation from
     * {@code in} pixels (the scale recomputed from the sizes, in float32; identity when the sizes agree).
     */
    static int[] nearest(int in, int out) {
        int[] idx = new int[out];
        float scale = (float) in / out;
        for (int d = 0; d < out; d++) {
            idx[d] = in == out ? d : out == 2 * in ? d >> 1 : Math.min((int) Math.floor(d * scale), in - 1);
        }
        return idx;
    }
}
