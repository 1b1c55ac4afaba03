package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.module.Module;

/**
 * torchvision 0.14's {@code fasterrcnn_resnet50_fpn} (and the same on resnet18/34/101, or on mobilenet_v2 as
 * torchvision builds its mobilenet detectors: {@link MobileNetV2Body}, two FPN levels and the pooled one, five
 * anchor sizes per level), inference, assembled from torchvision's parts under their parameter names:
 * {@link RcnnTransform} (no parameters), {@code backbone} ({@link BackboneWithFpn}: {@code backbone.body}, a
 * {@link RcnnBody} with frozen batch norms, and {@code backbone.fpn}, a {@link FeaturePyramidNetwork}), {@code rpn}
 * ({@link RegionProposalNetwork} with its head, on an {@link AnchorGenerator}'s anchors) and {@code roi_heads}
 * ({@link RoiHeads}: {@code box_head.fc6}, {@code fc7}, {@code box_predictor.cls_score}, {@code bbox_pred}; class 0
 * is the background).
 *
 * <p>Defaults are torchvision's: images normalised with ImageNet's statistics and resized so the short side is
 * {@code minSize} 800 (at most {@code maxSize} 1333 on the long side; bilinear, no antialiasing), padded to a
 * multiple of 32; anchors of 32-512 pixels (one size per level) at aspect ratios 0.5, 1, 2; RPN: the 1,000 best
 * proposals per level before NMS at IoU 0.7 and 1,000 after; 7x7 multi-scale RoIAlign (sampling ratio 2) over the
 * body's FPN levels; detections above score 0.05, NMS per class at 0.5, at most 100 per image.
 */
public class FasterRcnn extends Module {
    public static final float[] MEAN = RcnnTransform.MEAN;
    public static final float[] STD = RcnnTransform.STD;

    private final RcnnTransform transform = new RcnnTransform();
    private final BackboneWithFpn backbone;
    private final RegionProposalNetwork rpn;
    private final RoiHeads roiHeads;

    /**
     * @param numClasses classes including the background (torchvision's {@code num_classes})
     * @param anchorSizes one anchor size per FPN level (torchvision: 32, 64, 128, 256, 512)
     */
    public FasterRcnn(String bodyArch, int numClasses, int[] anchorSizes) {
        this(bodyArch, numClasses, anchorSizes, true);
    }

    /** @param frozenNorm frozen batch norms in the body (pretrained) or trainable ones (from scratch) */
    public FasterRcnn(String bodyArch, int numClasses, int[] anchorSizes, boolean frozenNorm) {
        this(bodyArch, numClasses, AnchorGenerator.perLevel(anchorSizes), frozenNorm);
    }

    /**
     * @param bodyArch {@code resnet18/34/50/101} ({@link ResNetBody}: four stages, FPN levels '0'..'3') or
     *     {@code mobilenet_v2} ({@link MobileNetV2Body}: features 14 and 18, both stride 32, FPN levels '0', '1');
     *     see {@link RcnnBody#forArch}
     * @param anchorSizes anchor sizes of each FPN level (the extra max-pooled level included), the same count on
     *     every level; each place has {@code sizes x 3} anchors
     */
    public FasterRcnn(String bodyArch, int numClasses, int[][] anchorSizes, boolean frozenNorm) {
        this(RcnnBody.forArch(bodyArch, frozenNorm), numClasses, new AnchorGenerator(anchorSizes));
    }

    /**
     * The detector on {@code body}, its FPN levels (the body's and the pooled one) given anchors by
     * {@code anchors}.
     */
    public FasterRcnn(RcnnBody body, int numClasses, AnchorGenerator anchors) {
        backbone = register("backbone", new BackboneWithFpn(body));
        int levels = backbone.bodyLevels();
        if (anchors.levels() != levels + 1) {
            throw new IllegalArgumentException("anchor sizes for " + anchors.levels() + " levels, but "
                    + body.getClass().getSimpleName() + " gives " + (levels + 1) + " FPN levels");
        }
        rpn = register("rpn", new RegionProposalNetwork(anchors, FeaturePyramidNetwork.OUT_CHANNELS));
        roiHeads = register("roi_heads", new RoiHeads(levels, FeaturePyramidNetwork.OUT_CHANNELS, numClasses));
    }

    /**
     * torchvision's {@code trainable_backbone_layers}: for a ResNet conv1 and the first {@code 5 - n} stages
     * frozen; for MobileNetV2 see {@link MobileNetV2Body#trainableLayers}.
     */
    public void trainableLayers(int n) {
        backbone.body().trainableLayers(n);
    }

    /** torchvision's transform sizes ({@code min_size}, {@code max_size}). */
    public FasterRcnn withSizes(int min, int max) {
        transform.withSizes(min, max);
        return this;
    }

    /** {@code rpn_pre_nms_top_n_test} (per level) and {@code rpn_post_nms_top_n_test}. */
    public FasterRcnn withTestProposals(int preNms, int postNms) {
        rpn.withTestProposals(preNms, postNms);
        return this;
    }

    /** {@code box_score_thresh} and {@code box_detections_per_img}. */
    public FasterRcnn withDetections(double scoreThresh, int perImage) {
        roiHeads.withDetections(scoreThresh, perImage);
        return this;
    }

    public int numClasses() {
        return roiHeads.numClasses();
    }

    public RcnnTransform transform() {
        return transform;
    }

    public BackboneWithFpn backbone() {
        return backbone;
    }

    public RegionProposalNetwork rpn() {
        return rpn;
    }

    /** {@code roi_heads}, where a subclass registers further heads (Mask R-CNN's mask head and predictor). */
    public RoiHeads roiHeads() {
        return roiHeads;
    }

    @Override
    protected NDArray forward(NDArray x) {
        throw new UnsupportedOperationException("use detect()");
    }

    /** {@link RcnnTransform#transform}. */
    RcnnTransform.Batch transform(List<NDArray> images) {
        return transform.transform(images);
    }

    /** FPN outputs '0'..'3' (strides 4-32) and 'pool' (stride 64). */
    List<NDArray> features(NDArray x) {
        return backbone.features(x);
    }

    /**
     * Detections for images {@code [3, H, W]} in [0, 1] (any sizes), in each image's pixels, labels 1-based as
     * torchvision's (0 is the background).
     */
    public List<Boxes> detect(List<NDArray> images) {
        Pass pass = pass(images);
        List<Boxes> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            out.add(RcnnTransform.postprocess(pass.dets().get(i), pass.batch().sizes()[i], images.get(i)));
        }
        return out;
    }

    /** One forward pass in evaluation: the transformed batch, its FPN features, detections in its pixels. */
    record Pass(RcnnTransform.Batch batch, List<NDArray> feats, List<Boxes> dets) {}

    Pass pass(List<NDArray> images) {
        train(false);
        RcnnTransform.Batch batch = transform(images);
        List<NDArray> feats = features(batch.images());
        List<NDArray> props = rpn.proposals(batch, feats);
        return new Pass(batch, feats, roiHeads.detections(batch, feats, props));
    }

    /** For tests: FPN features of one transformed batch. */
    List<NDArray> featuresOf(List<NDArray> images) {
        return features(transform(images).images());
    }

    /** For tests: the RPN head's objectness and deltas on one level. */
    float[][] headOf(NDArray f) {
        return rpn.headOf(f);
    }

    /** For tests: RPN proposals of a batch. */
    List<NDArray> proposalsOf(List<NDArray> images) {
        RcnnTransform.Batch b = transform(images);
        return rpn.proposals(b, features(b.images()));
    }
}
