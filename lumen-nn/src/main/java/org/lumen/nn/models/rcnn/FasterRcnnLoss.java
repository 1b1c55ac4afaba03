package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.ops.BoxCoder;
import org.lumen.nn.ops.Scalars;

/**
 * Faster R-CNN's training losses with torchvision 0.14's definitions and defaults:
 * <ul>
 *   <li>RPN: every anchor matched to the ground truth by IoU (positive at 0.7 or more, negative below 0.3, the
 *       rest ignored, and each box's best anchors positive whatever their IoU: {@code allow_low_quality_matches});
 *       256 anchors per image sampled (the sizes here are {@link Sampling#TORCHVISION}'s), at most half positive; {@code loss_objectness} the binary cross-entropy of
 *       the sampled anchors' logits (mean), {@code loss_rpn_box_reg} the smooth L1 (beta 1/9) of the positives'
 *       deltas (weights 1, 1, 1, 1), summed and divided by the number sampled. Proposals for the box head: 2,000
 *       per level before NMS and 2,000 after (training's numbers), not differentiated through.</li>
 *   <li>Box head: the proposals plus the ground-truth boxes, matched at IoU 0.5 (below: background); 512 per
 *       image sampled, at most a quarter foreground; {@code loss_classifier} the cross-entropy over the classes
 *       with the background (mean), {@code loss_box_reg} the smooth L1 (beta 1/9) of the foreground proposals'
 *       deltas for their true class (weights 10, 10, 5, 5), summed and divided by the number sampled.</li>
 * </ul>
 * An image without objects gives only negatives. The samplers draw from a generator seeded by the batch itself
 * (its pixels and boxes), so a step is reproducible, a resumed run included, without state of its own.
 */
final class FasterRcnnLoss {
    static final double RPN_POSITIVE_FRACTION = 0.5;
    static final double RPN_FG_IOU = 0.7;
    static final double RPN_BG_IOU = 0.3;
    static final double BOX_POSITIVE_FRACTION = 0.25;
    static final double BOX_FG_IOU = 0.5;
    static final double BETA = 1.0 / 9;

    /**
     * How much each image contributes: anchors sampled for the RPN's losses ({@code rpn_batch_size_per_image}),
     * proposals kept per level and overall for the box head ({@code rpn_pre/post_nms_top_n_train}) and proposals
     * sampled for its losses ({@code box_batch_size_per_image}); and the proposals kept in evaluation
     * ({@code rpn_pre/post_nms_top_n_test}).
     */
    record Sampling(int rpnBatch, int proposals, int boxBatch, int testProposals) {
        /** torchvision's defaults (for 800-pixel images). */
        static final Sampling TORCHVISION = new Sampling(256, 2000, 512, 1000);
        /**
         * For the CPU-sized detectors on small images (a 128-pixel survey cutout holds a few objects, not
         * hundreds): the box head's cost is linear in the sampled proposals, and 512 of them per image made a
         * step several times slower without more positives to learn from. In evaluation the box head (two
         * fully connected layers over 256x7x7 per proposal) on torchvision's 1000 proposals took a 128-pixel
         * Mask R-CNN about a second per image on two cores; 300 keep its accuracy on the survey.
         */
        static final Sampling SMALL = new Sampling(256, 500, 128, 300);
    }

    private FasterRcnnLoss() {}

    /**
     * The four losses and their sum ({@code loss}) for images {@code [3, H, W]} in [0, 1] and their targets in
     * those images' pixels, labels 1-based (0 is the background).
     */
    static Map<String, NDArray> losses(FasterRcnn net, List<NDArray> images, List<Boxes> targets, Sampling sampling) {
        return sampled(net, images, targets, sampling).losses();
    }

    /**
     * What a further head on the box head's sample needs (Mask R-CNN's mask loss): the transformed batch, its
     * features, and per image the sampled foreground proposals (flat xyxy in the transformed image's pixels,
     * ground-truth boxes among them) with the index of the ground-truth box each is matched to; and the four
     * losses with their sum, as {@link #losses}.
     */
    record Sampled(RcnnTransform.Batch batch, List<NDArray> feats, List<float[]> positives, List<int[]> matched,
            Map<String, NDArray> losses) {}

    /** {@link #losses}, keeping what {@link Sampled} holds. */
    static Sampled sampled(FasterRcnn net, List<NDArray> images, List<Boxes> targets, Sampling sampling) {
        NDManager m = images.get(0).getManager();
        RcnnTransform.Batch batch = net.transform(images);
        List<float[]> gts = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            gts.add(scaled(targets.get(i), images.get(i), batch.sizes()[i]));
        }
        SplittableRandom rnd = new SplittableRandom(seed(batch.images(), targets));
        List<NDArray> feats = net.features(batch.images());
        RegionProposalNetwork.Output rpn = net.rpn().head(batch, feats);
        Map<String, NDArray> out = new LinkedHashMap<>();
        rpnLosses(m, rpn, gts, sampling.rpnBatch(), rnd, out);
        List<NDArray> proposals = net.rpn().filter(batch, rpn, sampling.proposals(), sampling.proposals());
        List<float[]> positives = new ArrayList<>();
        List<int[]> matched = new ArrayList<>();
        boxLosses(net, batch, feats, proposals, targets, gts, sampling.boxBatch(), rnd, out, positives, matched);
        NDArray sum = out.get("loss_classifier").add(out.get("loss_box_reg")).add(out.get("loss_objectness"))
                .add(out.get("loss_rpn_box_reg"));
        Map<String, NDArray> all = new LinkedHashMap<>();
        all.put("loss", sum);
        all.putAll(out);
        return new Sampled(batch, feats, positives, matched, all);
    }

    /**
     * Ground-truth boxes in the transformed image's pixels (the transform may resize), flat xyxy, in
     * {@code resize_boxes}' float32 arithmetic (ratio new size / old size, then the product).
     */
    private static float[] scaled(Boxes t, NDArray image, int[] size) {
        float fy = (float) size[0] / (float) image.getShape().get(1);
        float fx = (float) size[1] / (float) image.getShape().get(2);
        float[] b = new float[t.xyxy().length];
        for (int j = 0; j < b.length; j++) {
            b[j] = (float) t.xyxy()[j] * (j % 2 == 0 ? fx : fy);
        }
        return b;
    }

    private static long seed(NDArray images, List<Boxes> targets) {
        long h = Double.doubleToLongBits(images.sum().getFloat());
        for (Boxes b : targets) {
            for (double v : b.xyxy()) {
                h = h * 31 + Double.doubleToLongBits(v);
            }
        }
        return h;
    }

    private static void rpnLosses(NDManager m, RegionProposalNetwork.Output rpn, List<float[]> gts, int perImage,
            SplittableRandom rnd, Map<String, NDArray> out) {
        float[] anchors = rpn.anchors().toFloatArray();
        int a = anchors.length / 4;
        List<Long> sampled = new ArrayList<>();
        List<Float> labels = new ArrayList<>();
        List<Long> positives = new ArrayList<>();
        List<float[]> matchedBoxes = new ArrayList<>();
        List<float[]> positiveAnchors = new ArrayList<>();
        for (int i = 0; i < gts.size(); i++) {
            float[] gt = gts.get(i);
            int[] match = match(gt, anchors, RPN_FG_IOU, RPN_BG_IOU, true);
            int[][] pick = sample(match, perImage, RPN_POSITIVE_FRACTION, rnd);
            for (int p : pick[0]) {
                sampled.add((long) i * a + p);
                labels.add(1f);
                positives.add((long) i * a + p);
                matchedBoxes.add(java.util.Arrays.copyOfRange(gt, 4 * match[p], 4 * match[p] + 4));
                positiveAnchors.add(java.util.Arrays.copyOfRange(anchors, 4 * p, 4 * p + 4));
            }
            for (int q : pick[1]) {
                sampled.add((long) i * a + q);
                labels.add(0f);
            }
        }
        NDArray logits = rpn.objectness().reshape(-1).get(indices(m, sampled));
        float[] y = new float[labels.size()];
        for (int k = 0; k < y.length; k++) {
            y[k] = labels.get(k);
        }
        out.put("loss_objectness", binaryCrossEntropy(logits, m.create(y)));
        if (positives.isEmpty()) {
            out.put("loss_rpn_box_reg", Scalars.mul(rpn.deltas().sum(), 0));
            return;
        }
        NDArray deltas = rpn.deltas().reshape(-1, 4).get(indices(m, positives));
        NDArray target = BoxCoder.rpn().encode(m.create(flat(matchedBoxes), new Shape(positives.size(), 4)),
                m.create(flat(positiveAnchors), new Shape(positives.size(), 4)));
        out.put("loss_rpn_box_reg", Scalars.div(smoothL1(deltas, target), sampled.size()));
    }

    private static void boxLosses(FasterRcnn net, RcnnTransform.Batch batch, List<NDArray> feats,
            List<NDArray> proposals, List<Boxes> targets, List<float[]> gts, int perImage, SplittableRandom rnd,
            Map<String, NDArray> out, List<float[]> positives, List<int[]> matched) {
        NDManager m = batch.images().getManager();
        List<NDArray> chosen = new ArrayList<>();
        List<Integer> classes = new ArrayList<>();
        List<float[]> fgBoxes = new ArrayList<>();
        List<float[]> fgProposals = new ArrayList<>();
        List<Integer> fgRows = new ArrayList<>();
        List<Integer> fgLabels = new ArrayList<>();
        int row = 0;
        for (int i = 0; i < proposals.size(); i++) {
            float[] gt = gts.get(i);
            float[] props = proposals.get(i).toFloatArray();
            float[] all = new float[props.length + gt.length]; // torchvision's add_gt_proposals
            System.arraycopy(props, 0, all, 0, props.length);
            System.arraycopy(gt, 0, all, props.length, gt.length);
            int[] match = match(gt, all, BOX_FG_IOU, BOX_FG_IOU, false);
            int[][] pick = sample(match, perImage, BOX_POSITIVE_FRACTION, rnd);
            int count = pick[0].length + pick[1].length;
            float[] sel = new float[4 * count];
            int[] matchedHere = new int[pick[0].length];
            int k = 0;
            for (int p : pick[0]) {
                matchedHere[k] = match[p];
                System.arraycopy(all, 4 * p, sel, 4 * k++, 4);
                int label = targets.get(i).labels()[match[p]];
                classes.add(label);
                fgRows.add(row++);
                fgLabels.add(label);
                fgBoxes.add(java.util.Arrays.copyOfRange(gt, 4 * match[p], 4 * match[p] + 4));
                fgProposals.add(java.util.Arrays.copyOfRange(all, 4 * p, 4 * p + 4));
            }
            for (int q : pick[1]) {
                System.arraycopy(all, 4 * q, sel, 4 * k++, 4);
                classes.add(0);
                row++;
            }
            chosen.add(m.create(sel, new Shape(count, 4)));
            positives.add(java.util.Arrays.copyOf(sel, 4 * pick[0].length));
            matched.add(matchedHere);
        }
        NDArray[] head = net.roiHeads().boxHead(batch, feats, chosen);
        NDArray logits = head[0];
        int total = classes.size();
        int c = net.numClasses();
        float[] hot = new float[total * c];
        for (int r = 0; r < total; r++) {
            hot[r * c + classes.get(r)] = 1;
        }
        out.put("loss_classifier", Scalars.div(logits.logSoftmax(1).mul(m.create(hot, new Shape(total, c))).sum()
                .neg(), total));
        if (fgRows.isEmpty()) {
            out.put("loss_box_reg", Scalars.mul(head[1].sum(), 0));
            return;
        }
        long[] pick = new long[fgRows.size()];
        for (int j = 0; j < pick.length; j++) {
            pick[j] = (long) fgRows.get(j) * c + fgLabels.get(j); // row r, class l of [total * c, 4]
        }
        NDArray deltas = head[1].reshape(total * c, 4).get(m.create(pick));
        NDArray target = BoxCoder.roiHeads().encode(m.create(flat(fgBoxes), new Shape(pick.length, 4)),
                m.create(flat(fgProposals), new Shape(pick.length, 4)));
        out.put("loss_box_reg", Scalars.div(smoothL1(deltas, target), total));
    }

    /**
     * torchvision's {@code Matcher}: per box of {@code boxes} (flat xyxy), the index of the ground-truth box with
     * the largest IoU (the first on ties) if it reaches {@code high}, -1 below {@code low}, -2 in between; with
     * {@code lowQuality}, each ground-truth box's best boxes (ties included) keep their best match whatever its IoU.
     * Without ground truth every box is -1.
     */
    static int[] match(float[] gt, float[] boxes, double high, double low, boolean lowQuality) {
        int g = gt.length / 4;
        int n = boxes.length / 4;
        int[] match = new int[n];
        java.util.Arrays.fill(match, -1);
        if (g == 0) {
            return match;
        }
        double[][] iou = new double[g][n];
        double[] bestOfGt = new double[g];
        for (int j = 0; j < g; j++) {
            for (int b = 0; b < n; b++) {
                iou[j][b] = iou(gt, j, boxes, b);
                bestOfGt[j] = Math.max(bestOfGt[j], iou[j][b]);
            }
        }
        int[] argmax = new int[n];
        for (int b = 0; b < n; b++) {
            int best = 0;
            for (int j = 1; j < g; j++) {
                if (iou[j][b] > iou[best][b]) {
                    best = j;
                }
            }
            argmax[b] = best;
            double v = iou[best][b];
            match[b] = v >= high ? best : v < low ? -1 : -2;
        }
        if (lowQuality) {
            for (int j = 0; j < g; j++) {
                for (int b = 0; b < n; b++) {
                    if (iou[j][b] == bestOfGt[j]) {
                        match[b] = argmax[b];
                    }
                }
            }
        }
        return match;
    }

    /**
     * torchvision's {@code box_iou} in its float32 arithmetic, step by step (areas, intersection, union as
     * {@code area_a + area_b - inter}), so that the thresholds and the exact ties the low-quality matches keep
     * fall as in torchvision.
     */
    private static double iou(float[] a, int i, float[] b, int j) {
        float ax1 = a[4 * i], ay1 = a[4 * i + 1], ax2 = a[4 * i + 2], ay2 = a[4 * i + 3];
        float bx1 = b[4 * j], by1 = b[4 * j + 1], bx2 = b[4 * j + 2], by2 = b[4 * j + 3];
        float w = Math.max(0f, Math.min(ax2, bx2) - Math.max(ax1, bx1));
        float h = Math.max(0f, Math.min(ay2, by2) - Math.max(ay1, by1));
        float inter = w * h;
        float union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /**
     * torchvision's {@code BalancedPositiveNegativeSampler}: at most {@code batch * fraction} of the matched
     * ({@code >= 0}) indices, the rest of {@code batch} from the negatives ({@code -1}), each a random subset;
     * returns {positives, negatives}.
     */
    static int[][] sample(int[] match, int batch, double fraction, SplittableRandom rnd) {
        List<Integer> pos = new ArrayList<>();
        List<Integer> neg = new ArrayList<>();
        for (int b = 0; b < match.length; b++) {
            if (match[b] >= 0) {
                pos.add(b);
            } else if (match[b] == -1) {
                neg.add(b);
            }
        }
        int numPos = Math.min(pos.size(), (int) (batch * fraction));
        int numNeg = Math.min(neg.size(), batch - numPos);
        return new int[][] {subset(pos, numPos, rnd), subset(neg, numNeg, rnd)};
    }

    private static int[] subset(List<Integer> from, int k, SplittableRandom rnd) {
        int[] a = from.stream().mapToInt(Integer::intValue).toArray();
        for (int i = 0; i < k; i++) {
            int j = i + rnd.nextInt(a.length - i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return java.util.Arrays.copyOf(a, k);
    }

    /** Mean of {@code max(x, 0) - x y + log(1 + exp(-|x|))}: {@code F.binary_cross_entropy_with_logits}. */
    static NDArray binaryCrossEntropy(NDArray x, NDArray y) {
        return Scalars.maximum(x, 0).sub(x.mul(y)).add(x.abs().neg().exp().add(1).log()).mean();
    }

    /** Sum of {@code F.smooth_l1_loss(beta = 1/9)}: 0.5 d^2 / beta below beta, d - beta / 2 above. */
    static NDArray smoothL1(NDArray x, NDArray y) {
        NDArray d = x.sub(y).abs();
        NDArray small = d.lt(BETA).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        NDArray quadratic = Scalars.mul(d.square(), 0.5 / BETA);
        NDArray linear = d.sub(0.5 * BETA);
        return quadratic.mul(small).add(linear.mul(small.neg().add(1))).sum();
    }

    private static NDArray indices(NDManager m, List<Long> idx) {
        return m.create(idx.stream().mapToLong(Long::longValue).toArray());
    }

    private static float[] flat(List<float[]> boxes) {
        float[] f = new float[4 * boxes.size()];
        for (int i = 0; i < boxes.size(); i++) {
            System.arraycopy(boxes.get(i), 0, f, 4 * i, 4);
        }
        return f;
    }
}
