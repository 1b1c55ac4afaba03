package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.geometry.Rle;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.models.MaskDetections;
import org.lumen.nn.layers.Conv2d;
import org.lumen.nn.layers.ConvTranspose2d;
import org.lumen.nn.layers.Sequential;
import org.lumen.nn.module.Module;
import org.lumen.nn.ops.Functional;

/**
 * torchvision 0.14's {@code maskrcnn_resnet50_fpn} (and the same on the other ResNet bodies), inference: the
 * {@link FasterRcnn} it extends, plus, under {@code roi_heads}, {@code mask_head} (four 3x3 convolutions of 256
 * channels with ReLU, named {@code mask_head.<i>.0}) and {@code mask_predictor} ({@code conv5_mask}, a 2x2
 * stride-2 transposed convolution with ReLU, and {@code mask_fcn_logits}, a 1x1 convolution to one logit map per
 * class).
 *
 * <p>As torchvision: the final detection boxes (in the transformed image) are pooled to 14x14 by the same
 * multi-scale RoIAlign as the box head (sampling ratio 2); the head gives 28x28 logits per class, and each
 * detection keeps the sigmoid of its own label's map. Pasting ({@code paste_masks_in_image}): the map is padded by
 * one zero pixel on each side, the detection's box (already rescaled to the original image, in float32) is widened
 * about its centre by 30/28 and truncated to integer corners, the 30x30 map resized bilinearly (half-pixel
 * centres, no antialiasing) to the box's {@code (x2 - x1 + 1) x (y2 - y1 + 1)} pixels and pasted at the original
 * image's size, where it is cut at 0.5 (a pixel is in the instance when its probability exceeds 0.5, as
 * torchvision's COCO evaluation does).
 *
 * <p>Training: {@link MaskRcnnLoss} adds torchvision's {@code loss_mask} to {@link FasterRcnnLoss}'s four losses.
 */
public final class MaskRcnn extends FasterRcnn {
    /** The side of the predicted mask maps. */
    public static final int MASK_SIZE = 28;

    /** The side of the mask head's pooled input ({@code mask_roi_pool}). */
    static final int MASK_POOL = 14;

    private final Sequential maskHead = new Sequential();
    private final MultiScaleRoiAlign maskRoiPool;
    private final Module conv5Mask;
    private final Module maskLogits;

    public MaskRcnn(String bodyArch, int numClasses, int[] anchorSizes) {
        this(bodyArch, numClasses, anchorSizes, true);
    }

    public MaskRcnn(String bodyArch, int numClasses, int[] anchorSizes, boolean frozenNorm) {
        super(bodyArch, numClasses, anchorSizes, frozenNorm);
        RoiHeads roi = roiHeads();
        maskRoiPool = new MultiScaleRoiAlign(backbone().bodyLevels(), MASK_POOL);
        roi.put("mask_head", maskHead);
        for (int i = 0; i < 4; i++) {
            maskHead.add(new Sequential(new Conv2d(256, 256, 3, 1, 1, 1, true)));
        }
        Container predictor = roi.put("mask_predictor", new Container());
        conv5Mask = predictor.put("conv5_mask", new ConvTranspose2d(256, 256, 2, true));
        maskLogits = predictor.put("mask_fcn_logits", new Conv2d(256, numClasses, 1, 1, 0, 1, true));
    }

    @Override
    public MaskRcnn withSizes(int min, int max) {
        super.withSizes(min, max);
        return this;
    }

    @Override
    public MaskRcnn withDetections(double scoreThresh, int perImage) {
        super.withDetections(scoreThresh, perImage);
        return this;
    }

    /**
     * Detections with their masks for images {@code [3, H, W]} in [0, 1] (any sizes): boxes in each image's
     * pixels, labels 1-based as torchvision's, one binary mask per detection at the image's size.
     */
    public List<MaskDetections> detectMasks(List<NDArray> images) {
        return masksOf(pass(images), images);
    }

    /** {@link #detectMasks} of a forward pass already made. */
    List<MaskDetections> masksOf(Pass pass, List<NDArray> images) {
        List<NDArray> probs = maskProbs(pass);
        List<MaskDetections> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Boxes boxes = RcnnTransform.postprocess(pass.dets().get(i), pass.batch().sizes()[i], images.get(i));
            int h = (int) images.get(i).getShape().get(1);
            int w = (int) images.get(i).getShape().get(2);
            out.add(new MaskDetections(boxes, paste(probs.get(i), boxes, h, w)));
        }
        return out;
    }

    /**
     * Each detection's 28x28 mask probabilities (its own label's map), per image {@code [n, 28, 28]}:
     * torchvision's {@code maskrcnn_inference}.
     */
    List<NDArray> maskProbs(Pass pass) {
        NDManager m = pass.batch().images().getManager();
        List<NDArray> boxes = new ArrayList<>();
        int total = 0;
        for (Boxes b : pass.dets()) {
            float[] xyxy = new float[b.xyxy().length];
            for (int j = 0; j < xyxy.length; j++) {
                xyxy[j] = (float) b.xyxy()[j]; // exact: these doubles were float32 detections
            }
            boxes.add(m.create(xyxy, new Shape(b.size(), 4)));
            total += b.size();
        }
        List<NDArray> out = new ArrayList<>();
        if (total == 0) {
            for (Boxes b : pass.dets()) {
                out.add(m.zeros(new Shape(0, MASK_SIZE, MASK_SIZE)));
            }
            return out;
        }
        NDArray x = maskHeads(pass.batch(), pass.feats(), boxes);
        long[] pick = new long[total];
        int k = 0;
        for (Boxes b : pass.dets()) {
            for (int label : b.labels()) {
                pick[k] = (long) k * numClasses() + label;
                k++;
            }
        }
        NDArray logits = x.reshape((long) total * numClasses(), MASK_SIZE, MASK_SIZE).get(m.create(pick));
        NDArray probs = Functional.sigmoid(logits);
        int from = 0;
        for (Boxes b : pass.dets()) {
            out.add(probs.get(from + ":" + (from + b.size())));
            from += b.size();
        }
        return out;
    }

    /**
     * mask_roi_pool, mask_head and mask_predictor on boxes per image (transformed-image pixels): logits
     * {@code [K, classes, 28, 28]}.
     */
    NDArray maskHeads(RcnnTransform.Batch batch, List<NDArray> feats, List<NDArray> boxes) {
        NDArray x = maskRoiPool.pool(batch, feats, boxes);
        for (int i = 0; i < maskHead.size(); i++) {
            x = Functional.relu(maskHead.get(i).apply(x));
        }
        x = Functional.relu(conv5Mask.apply(x));
        return maskLogits.apply(x);
    }

    /** torchvision's {@code paste_masks_in_image} (padding 1) and a cut at 0.5, as RLEs of {@code h x w}. */
    public static List<Rle> paste(NDArray probs, Boxes boxes, int h, int w) {
        int n = boxes.size();
        List<Rle> out = new ArrayList<>(n);
        if (n == 0) {
            return out;
        }
        NDManager m = probs.getManager();
        NDArray col = m.zeros(new Shape(n, 1, MASK_SIZE, 1));
        NDArray row = m.zeros(new Shape(n, 1, 1, MASK_SIZE + 2));
        NDArray padded = col.concat(probs.reshape(n, 1, MASK_SIZE, MASK_SIZE), 3).concat(col, 3);
        padded = row.concat(padded, 2).concat(row, 2); // expand_masks: one zero pixel all round
        float scale = (float) ((MASK_SIZE + 2.0) / MASK_SIZE);
        byte[] image = new byte[h * w];
        for (int j = 0; j < n; j++) {
            double[] b = boxes.xyxy();
            float x1 = (float) b[4 * j];
            float y1 = (float) b[4 * j + 1];
            float x2 = (float) b[4 * j + 2];
            float y2 = (float) b[4 * j + 3];
            float wHalf = (x2 - x1) * 0.5f * scale;
            float hHalf = (y2 - y1) * 0.5f * scale;
            float xc = (x2 + x1) * 0.5f;
            float yc = (y2 + y1) * 0.5f;
            // float32 to int64 truncates toward zero, as torch's .to(torch.int64)
            long bx1 = (long) (xc - wHalf);
            long by1 = (long) (yc - hHalf);
            long bx2 = (long) (xc + wHalf);
            long by2 = (long) (yc + hHalf);
            int bw = (int) Math.max(bx2 - bx1 + 1, 1);
            int bh = (int) Math.max(by2 - by1 + 1, 1);
            java.util.Arrays.fill(image, (byte) 0);
            int xa = (int) Math.max(bx1, 0);
            int xb = (int) Math.min(bx2 + 1, w);
            int ya = (int) Math.max(by1, 0);
            int yb = (int) Math.min(by2 + 1, h);
            if (xa < xb && ya < yb) {
                float[] big = Functional.resizeBilinear(padded.get(j + ":" + (j + 1)), bh, bw).toFloatArray();
                for (int y = ya; y < yb; y++) {
                    int line = (int) (y - by1) * bw;
                    for (int x = xa; x < xb; x++) {
                        if (big[line + (int) (x - bx1)] > 0.5f) {
                            image[y * w + x] = 1;
                        }
                    }
                }
            }
            out.add(Rle.encode(image, h, w));
        }
        return out;
    }
}
