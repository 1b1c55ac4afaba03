package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.layers.Linear;
import org.lumen.nn.module.Module;
import org.lumen.nn.ops.BoxCoder;
import org.lumen.nn.ops.Functional;
import org.lumen.nn.ops.Nms;

/**
 * torchvision's {@code RoIHeads} for boxes: {@code box_roi_pool} (a 7x7 {@link MultiScaleRoiAlign}),
 * {@code box_head} ({@code TwoMLPHead}: {@code fc6} from 256x7x7 to 1,024 and {@code fc7}, both with ReLU) and
 * {@code box_predictor} ({@code FastRCNNPredictor}: {@code cls_score}, one logit per class, class 0 the background,
 * and {@code bbox_pred}, four deltas per class, decoded with weights (10, 10, 5, 5)). Mask R-CNN adds its
 * {@code mask_head} and {@code mask_predictor} here ({@link #put}).
 *
 * <p>Post-processing per image: softmax scores, boxes clipped to the image, the background dropped, then
 * detections scoring above {@code boxScoreThresh} (default 0.05, torchvision's {@code box_score_thresh}), boxes
 * under 0.01 pixels on a side dropped, NMS per class at {@code nmsThresh} (0.5, {@code box_nms_thresh}) and at
 * most {@code detectionsPerImage} (100, {@code box_detections_per_img}), by descending score.
 */
public final class RoiHeads extends Module {
    /** The side of the box head's pooled input. */
    static final int BOX_POOL = 7;
    /** torchvision's {@code representation_size} of {@code TwoMLPHead}. */
    static final int REPRESENTATION = 1024;

    private final int numClasses;
    private final MultiScaleRoiAlign boxRoiPool;
    private final Module fc6;
    private final Module fc7;
    private final Module clsScore;
    private final Module bboxPred;
    private double boxScoreThresh = 0.05;
    private double nmsThresh = 0.5;
    private int detectionsPerImage = 100;

    /**
     * @param levels the FPN levels pooled from (the body's, not the extra pooled one)
     * @param channels the FPN's channels (256)
     * @param numClasses classes including the background
     */
    public RoiHeads(int levels, int channels, int numClasses) {
        this.numClasses = numClasses;
        this.boxRoiPool = new MultiScaleRoiAlign(levels, BOX_POOL);
        Container boxHead = register("box_head", new Container());
        fc6 = boxHead.put("fc6", new Linear(channels * BOX_POOL * BOX_POOL, REPRESENTATION));
        fc7 = boxHead.put("fc7", new Linear(REPRESENTATION, REPRESENTATION));
        Container predictor = register("box_predictor", new Container());
        clsScore = predictor.put("cls_score", new Linear(REPRESENTATION, numClasses));
        bboxPred = predictor.put("bbox_pred", new Linear(REPRESENTATION, 4 * numClasses));
    }

    /** {@code box_score_thresh} and {@code box_detections_per_img}. */
    public RoiHeads withDetections(double scoreThresh, int perImage) {
        this.boxScoreThresh = scoreThresh;
        this.detectionsPerImage = perImage;
        return this;
    }

    /** {@code box_nms_thresh}. */
    public RoiHeads withNmsThresh(double thresh) {
        this.nmsThresh = thresh;
        return this;
    }

    public int numClasses() {
        return numClasses;
    }

    /** Registers a further head under {@code roi_heads} (Mask R-CNN's {@code mask_head}, {@code mask_predictor}). */
    <M extends Module> M put(String name, M head) {
        return register(name, head);
    }

    /** Class logits {@code [K, classes]} and box deltas {@code [K, 4 * classes]} of proposals per image. */
    NDArray[] boxHead(RcnnTransform.Batch batch, List<NDArray> feats, List<NDArray> proposals) {
        MultiScaleRoiAlign.Pooled pooled = boxRoiPool.pooledByLevel(batch, feats, proposals);
        long k = pooled.pooled().getShape().get(0);
        NDArray h = Functional.relu(fc6.apply(pooled.pooled().reshape(k, -1)));
        h = Functional.relu(fc7.apply(h));
        return new NDArray[] {clsScore.apply(h).get(pooled.rows()), bboxPred.apply(h).get(pooled.rows())};
    }

    /** Detections per image in the coordinates of the transformed (resized) images; labels 1-based. */
    List<Boxes> detections(RcnnTransform.Batch batch, List<NDArray> feats, List<NDArray> proposals) {
        if (proposals.stream().allMatch(p -> p.getShape().get(0) == 0)) {
            List<Boxes> none = new ArrayList<>();
            for (int i = 0; i < proposals.size(); i++) {
                none.add(Boxes.empty(true));
            }
            return none;
        }
        NDManager m = batch.images().getManager();
        NDArray allBoxes = NDArrays.concat(new NDList(proposals), 0);
        long k = allBoxes.getShape().get(0);
        NDArray[] head = boxHead(batch, feats, proposals);
        NDArray boxes = BoxCoder.roiHeads().decode(head[1], allBoxes).reshape(k, numClasses, 4);
        NDArray scores = head[0].softmax(1);
        List<Boxes> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < proposals.size(); i++) {
            int cnt = (int) proposals.get(i).getShape().get(0);
            int[] size = batch.sizes()[i];
            NDArray b = org.lumen.nn.ops.Boxes.clipToImage(boxes.get(from + ":" + (from + cnt)), size[0], size[1]);
            out.add(postprocess(m, b, scores.get(from + ":" + (from + cnt)), cnt));
            from += cnt;
        }
        return out;
    }

    /** One image's detections from its clipped boxes {@code [cnt, classes, 4]} and scores {@code [cnt, classes]}. */
    private Boxes postprocess(NDManager m, NDArray b, NDArray sc, int cnt) {
        // drop the background, flatten (proposal-major, then class)
        NDArray fb = b.get(":, 1:, :").reshape(-1, 4);
        NDArray fs = sc.get(":, 1:").reshape(-1);
        long[] labels = new long[cnt * (numClasses - 1)];
        for (int j = 0; j < labels.length; j++) {
            labels[j] = j % (numClasses - 1) + 1;
        }
        NDArray fl = m.create(labels);
        NDArray keep = fs.gt((float) boxScoreThresh).nonzero().reshape(-1);
        fb = fb.get(keep);
        fs = fs.get(keep);
        fl = fl.get(keep);
        NDArray small = org.lumen.nn.ops.Boxes.removeSmall(fb, 1e-2);
        fb = fb.get(small);
        fs = fs.get(small);
        fl = fl.get(small);
        NDArray kept = Nms.batchedNms(fb, fs, fl, nmsThresh);
        long nk = Math.min(detectionsPerImage, kept.getShape().get(0));
        NDArray ki = kept.get(":" + nk);
        float[] xyxy = fb.get(ki).toFloatArray();
        float[] s = fs.get(ki).toFloatArray();
        long[] lab = fl.get(ki).toLongArray();
        double[] bx = new double[xyxy.length];
        for (int j = 0; j < xyxy.length; j++) {
            bx[j] = xyxy[j];
        }
        double[] ds = new double[s.length];
        int[] li = new int[lab.length];
        for (int j = 0; j < s.length; j++) {
            ds[j] = s[j];
            li[j] = (int) lab[j];
        }
        return new Boxes(bx, li, ds);
    }

    @Override
    protected NDArray forward(NDArray x) {
        throw new UnsupportedOperationException("use detections()");
    }
}
