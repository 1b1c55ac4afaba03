package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.lumen.nn.layers.Conv2d;
import org.lumen.nn.layers.Sequential;
import org.lumen.nn.module.Init;
import org.lumen.nn.module.Module;
import org.lumen.nn.ops.BoxCoder;
import org.lumen.nn.ops.Boxes;
import org.lumen.nn.ops.Functional;
import org.lumen.nn.ops.Nms;

/**
 * torchvision's {@code RegionProposalNetwork} with its {@code RPNHead} ({@code head}: {@code conv.0.0}, a 3x3
 * convolution of 256 channels with ReLU shared by every FPN level, then the 1x1 convolutions {@code cls_logits},
 * one objectness logit per anchor, and {@code bbox_pred}, four box deltas per anchor; all drawn from N(0, 0.01)
 * with zero bias). Anchors come from an {@link AnchorGenerator}; deltas are decoded with weights (1, 1, 1, 1).
 *
 * <p>Proposals per image: on each level the {@code preNmsTopN} best-scoring anchors, decoded, clipped to the
 * image, boxes under 1e-3 pixels on a side dropped, NMS per level at {@code nmsThresh}, and the
 * {@code postNmsTopN} best overall. Defaults are torchvision's evaluation ones: 1,000, 1,000 and 0.7.
 */
public final class RegionProposalNetwork extends Module {
    /** torchvision's {@code rpn_nms_thresh}. */
    public static final double NMS_THRESH = 0.7;
    /** torchvision's {@code min_size} of a proposal (pixels on a side). */
    static final double MIN_SIZE = 1e-3;

    private final AnchorGenerator anchors;
    private final Module conv;
    private final Module clsLogits;
    private final Module bboxPred;
    private int preNmsTopN = 1000;
    private int postNmsTopN = 1000;

    /** What the head gave for a batch: objectness {@code [N, A]}, deltas {@code [N, A, 4]}, anchors {@code [A, 4]}. */
    public record Output(NDArray objectness, NDArray deltas, NDArray anchors, List<Integer> counts) {}

    /** @param inChannels the FPN's channels (256) */
    public RegionProposalNetwork(AnchorGenerator anchors, int inChannels) {
        this.anchors = anchors;
        Container head = register("head", new Container());
        int a = anchors.anchorsPerPlace();
        Init small = Init.normal(0.01);
        conv = head.put("conv", new Sequential(new Sequential(new Conv2d(inChannels, inChannels, 3, 1, 1, 1, 1, true,
                small))));
        clsLogits = head.put("cls_logits", new Conv2d(inChannels, a, 1, 1, 0, 1, 1, true, small));
        bboxPred = head.put("bbox_pred", new Conv2d(inChannels, 4 * a, 1, 1, 0, 1, 1, true, small));
    }

    /** {@code rpn_pre_nms_top_n_test} (per level) and {@code rpn_post_nms_top_n_test}. */
    public RegionProposalNetwork withTestProposals(int preNms, int postNms) {
        this.preNmsTopN = preNms;
        this.postNmsTopN = postNms;
        return this;
    }

    public AnchorGenerator anchorGenerator() {
        return anchors;
    }

    /** Proposals per image {@code [k, 4]}, in transformed-image pixels, best first (the evaluation counts). */
    public List<NDArray> proposals(RcnnTransform.Batch batch, List<NDArray> feats) {
        return filter(batch, head(batch, feats), preNmsTopN, postNmsTopN);
    }

    /** The head on every level, flattened level after level, and the levels' anchors. */
    public Output head(RcnnTransform.Batch batch, List<NDArray> feats) {
        NDManager m = batch.images().getManager();
        int n = (int) batch.images().getShape().get(0);
        int a = anchors.anchorsPerPlace();
        List<NDArray> obj = new ArrayList<>();
        List<NDArray> deltas = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (NDArray f : feats) {
            NDArray t = Functional.relu(conv.apply(f));
            NDArray o = clsLogits.apply(t); // [N, A, H, W]
            NDArray d = bboxPred.apply(t); // [N, 4A, H, W]
            int h = (int) f.getShape().get(2);
            int w = (int) f.getShape().get(3);
            obj.add(o.transpose(0, 2, 3, 1).reshape(n, -1));
            deltas.add(d.reshape(n, a, 4, h, w).transpose(0, 3, 4, 1, 2).reshape(n, -1, 4));
            counts.add(h * w * a);
        }
        NDArray objectness = NDArrays.concat(new NDList(obj), 1);
        NDArray boxDeltas = NDArrays.concat(new NDList(deltas), 1);
        int imgH = (int) batch.images().getShape().get(2);
        int imgW = (int) batch.images().getShape().get(3);
        return new Output(objectness, boxDeltas, anchors.forLevels(m, imgH, imgW, feats), counts);
    }

    /** The head's raw outputs on one level {@code [N, 256, H, W]}: objectness and deltas, flat. */
    float[][] headOf(NDArray f) {
        NDArray t = Functional.relu(conv.apply(f));
        return new float[][] {clsLogits.apply(t).toFloatArray(), bboxPred.apply(t).toFloatArray()};
    }

    /** The proposal filter: per level top-k, clip, small boxes out, NMS per level at 0.7, top-k overall. */
    public List<NDArray> filter(RcnnTransform.Batch batch, Output rpn, int preNms, int postNms) {
        NDManager m = batch.images().getManager();
        int n = (int) batch.images().getShape().get(0);
        List<Integer> counts = rpn.counts();
        BoxCoder coder = BoxCoder.rpn();
        List<NDArray> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            NDArray props = coder.decode(rpn.deltas().get(i).stopGradient(), rpn.anchors()); // [total, 4]
            NDArray ob = rpn.objectness().get(i).stopGradient();
            // top pre-NMS per level
            List<NDArray> idx = new ArrayList<>();
            List<Integer> lvlOf = new ArrayList<>();
            int start = 0;
            for (int l = 0; l < counts.size(); l++) {
                int c = counts.get(l);
                int k = Math.min(preNms, c);
                NDArray top = ob.get(start + ":" + (start + c)).argSort(0, false).get(":" + k).add(start);
                idx.add(top);
                for (int j = 0; j < k; j++) {
                    lvlOf.add(l);
                }
                start += c;
            }
            NDArray keepIdx = NDArrays.concat(new NDList(idx), 0);
            NDArray boxes = props.get(keepIdx);
            NDArray scores = Functional.sigmoid(ob.get(keepIdx));
            NDArray levels = m.create(lvlOf.stream().mapToLong(Integer::longValue).toArray());
            int[] size = batch.sizes()[i];
            boxes = Boxes.clipToImage(boxes, size[0], size[1]);
            NDArray keep = Boxes.removeSmall(boxes, MIN_SIZE);
            boxes = boxes.get(keep);
            scores = scores.get(keep);
            levels = levels.get(keep);
            NDArray kept = Nms.batchedNms(boxes, scores, levels, NMS_THRESH);
            long k = Math.min(postNms, kept.getShape().get(0));
            out.add(boxes.get(kept.get(":" + k)));
        }
        return out;
    }

    @Override
    protected NDArray forward(NDArray x) {
        throw new UnsupportedOperationException("use proposals()");
    }
}
