package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.geometry.Rle;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.models.InstanceSegmentationNet;

/**
 * {@link MaskRcnn} as a Lumen detector with masks: {@link FasterRcnnNet}'s detections (labels 0-based, the
 * transform's sizes set to the model's input size) and each one's 28x28 mask probabilities, which {@link #paste}
 * puts into an image of any size as torchvision's {@code paste_masks_in_image} does. The mask head runs on the
 * detections that pass {@code conf} and {@code maxDet} only (each detection's mask depends on its own box alone).
 * Training takes each object's mask ({@link #losses(NDArray, List, List)}): torchvision's five losses
 * ({@link MaskRcnnLoss}) with {@link FasterRcnnNet}'s sampling and frozen layers; the box-only loss is refused.
 */
public final class MaskRcnnNet extends FasterRcnnNet implements InstanceSegmentationNet {
    public MaskRcnnNet(String arch, String body, int numClasses, int imgsz) {
        super(arch, new MaskRcnn(body, numClasses + 1, anchors(body)).withSizes(imgsz, maxSize(imgsz)), body);
    }

    @Override
    public java.util.Map<String, NDArray> losses(NDArray images, List<Boxes> targets) {
        throw org.lumen.core.LumenException.setting("arch", arch() + " trains on instance masks: its loss needs each"
                + " object's mask (a dataset with polygons or RLE segmentations), not boxes alone");
    }

    /**
     * {@code loss} (the sum), {@code loss_classifier}, {@code loss_box_reg}, {@code loss_objectness},
     * {@code loss_rpn_box_reg} and {@code loss_mask}, as torchvision's Mask R-CNN in training mode.
     */
    @Override
    public java.util.Map<String, NDArray> losses(NDArray images, List<Boxes> targets, List<float[][]> masks) {
        return MaskRcnnLoss.losses((MaskRcnn) module(), split(images), oneBased(targets), masks, sampling());
    }

    @Override
    public List<String> lossParts() {
        List<String> parts = new ArrayList<>(super.lossParts());
        parts.add("loss_mask");
        return parts;
    }

    @Override
    public List<Masked> detectMasks(NDArray images, double conf, int maxDet) {
        MaskRcnn net = (MaskRcnn) module();
        List<NDArray> list = split(images);
        FasterRcnn.Pass pass = withThresholds(net, conf, maxDet).pass(list);
        List<Boxes> kept = new ArrayList<>();
        for (Boxes b : pass.dets()) {
            kept.add(select(b, kept(b, conf, maxDet), false));
        }
        List<NDArray> probs = net.maskProbs(new FasterRcnn.Pass(pass.batch(), pass.feats(), kept));
        List<Masked> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Boxes b = RcnnTransform.postprocess(kept.get(i), pass.batch().sizes()[i], list.get(i));
            int[] all = new int[b.size()];
            for (int j = 0; j < all.length; j++) {
                all[j] = j;
            }
            out.add(new Masked(select(b, all, true), probs.get(i)));
        }
        return out;
    }

    @Override
    public List<Rle> paste(NDArray probs, Boxes boxes, int height, int width) {
        return MaskRcnn.paste(probs, boxes, height, width);
    }
}
