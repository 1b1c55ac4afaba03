package org.lumen.nn.models.yolo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lumen.core.LumenException;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.models.NamedDetectionNet;
import org.lumen.nn.module.Parameter;
import org.lumen.nn.ops.Functional;
import org.lumen.nn.ops.Nms;
import org.lumen.nn.weights.SafeTensors;
import org.lumen.nn.ops.Scalars;

/**
 * YOLOv8 as a Lumen detector: {@link YoloV8} plus Ultralytics' v8 detection loss and post-processing.
 *
 * <p><b>Loss</b> ({@code v8DetectionLoss}): anchors assigned by {@link TaskAlignedAssigner} on detached
 * predictions; class loss = BCE with logits against the assigned soft scores, summed over anchors and classes;
 * box loss = sum over positive anchors of {@code (1 - CIoU) * w}; distribution focal loss = sum over positive
 * anchors of the two-bin cross-entropy around each side's distance (in stride units, clamped to 14.99), averaged
 * over the 4 sides, times {@code w}; {@code w} is the anchor's target score sum; all three are divided by the sum
 * of all target scores (at least 1) and weighted 7.5 (box), 0.5 (cls), 1.5 (dfl). Ultralytics then multiplies the
 * total by the batch size; we do not (the optimisers here are scale-free up to their epsilon), so reported losses
 * are the per-image values Ultralytics prints.
 *
 * <p><b>Detections</b>: class scores are sigmoids, boxes the expected distance over the 16 bins from the anchor
 * point times the stride; the best class per anchor, scores at least {@code conf}, NMS per class at IoU 0.7 (as
 * Ultralytics' predict and val), at most {@code maxDet}.
 */
public final class YoloNet extends NamedDetectionNet<YoloV8> {
    public static final double BOX_GAIN = 7.5;
    public static final double CLS_GAIN = 0.5;
    public static final double DFL_GAIN = 1.5;
    public static final double NMS_IOU = 0.7;

    public YoloNet(String arch, YoloV8 net) {
        super(arch, net);
    }

    @Override
    public double defaultConf() {
        return 0.25;
    }

    @Override
    public List<String> lossParts() {
        return List.of("box", "cls", "dfl");
    }

    /** Anchor points (cell centres) and strides for an {@code h x w} input: {@code [A][3]} = x, y, stride. */
    static float[][] anchors(int h, int w) {
        List<float[]> out = new ArrayList<>();
        for (int s : YoloV8.STRIDES) {
            for (int y = 0; y < h / s; y++) {
                for (int x = 0; x < w / s; x++) {
                    out.add(new float[] {x + 0.5f, y + 0.5f, s});
                }
            }
        }
        return out.toArray(float[][]::new);
    }

    YoloV8 net() {
        return net;
    }

    /** Raw predictions {@code [N, A, 64 + nc]}, anchors in level order, row-major within a level. */
    private NDArray raw(NDArray images) {
        checkInput(images);
        return net.apply(YoloV8.inferenceLayout(net, images)).transpose(0, 2, 1);
    }

    static void checkInput(NDArray images) {
        Shape s = images.getShape();
        if (s.get(2) % 32 != 0 || s.get(3) % 32 != 0) {
            throw new IllegalArgumentException("YOLO input must be a multiple of 32, got " + s);
        }
    }

    /** Expected distances (left, top, right, bottom) in stride units from the 16-bin distributions. */
    private static NDArray distances(NDArray dist) {
        Shape s = dist.getShape();
        NDArray p = dist.reshape(s.get(0), s.get(1), 4, YoloV8.REG_MAX).softmax(3);
        NDArray bins = dist.getManager().arange(0f, (float) YoloV8.REG_MAX);
        return p.mul(bins).sum(new int[] {3});
    }

    @Override
    public Map<String, NDArray> losses(NDArray images, List<Boxes> targets) {
        Terms t = terms(raw(images), (int) images.getShape().get(2), (int) images.getShape().get(3), targets);
        Map<String, NDArray> out = new LinkedHashMap<>();
        NDArray total = Scalars.mul(t.box(), BOX_GAIN).add(Scalars.mul(t.cls(), CLS_GAIN))
                .add(Scalars.mul(t.dfl(), DFL_GAIN));
        out.put("loss", total);
        out.put("box", Scalars.mul(t.box(), BOX_GAIN));
        out.put("cls", Scalars.mul(t.cls(), CLS_GAIN));
        out.put("dfl", Scalars.mul(t.dfl(), DFL_GAIN));
        return out;
    }

    /**
     * The detection loss terms before their gains, and the assignment they came from.
     *
     * @param gt per image, the object index of each anchor (-1: background)
     * @param gtBoxes per image, the objects' xyxy boxes in pixels
     */
    record Terms(NDArray box, NDArray cls, NDArray dfl, int[][] gt, double[][][] gtBoxes) {}

    /** {@link #losses}'s work on raw predictions {@code [N, A, 64 + nc (+ extra)]} of an {@code h x w} batch. */
    Terms terms(NDArray pred, int h, int w, List<Boxes> targets) {
        int n = (int) pred.getShape().get(0);
        int nc = net.numClasses();
        NDManager m = pred.getManager();
        float[][] anc = anchors(h, w);
        int a = anc.length;
        NDArray dist = pred.get(":, :, :" + 4 * YoloV8.REG_MAX);
        NDArray logits = pred.get(":, :, " + 4 * YoloV8.REG_MAX + ":" + (4 * YoloV8.REG_MAX + nc));
        float[] ax = new float[a * 2];
        float[] strideArr = new float[a];
        for (int i = 0; i < a; i++) {
            ax[2 * i] = anc[i][0];
            ax[2 * i + 1] = anc[i][1];
            strideArr[i] = anc[i][2];
        }
        NDArray anchorPts = m.create(ax, new Shape(1, a, 2));
        NDArray ltrb = distances(dist); // [n, a, 4] stride units
        NDArray predBoxes = NDArrayBoxes.fromDistances(anchorPts, ltrb); // [n, a, 4] stride units

        // assignment on detached predictions, in pixels
        float[] scoresFlat = Functional.sigmoid(logits).toFloatArray();
        float[] boxesFlat = predBoxes.toFloatArray();
        float[] targetScores = new float[n * a * nc];
        float[] targetBoxes = new float[n * a * 4];
        float[] weight = new float[n * a];
        float[] dflWeights = new float[n * a * 4 * YoloV8.REG_MAX];
        double scoreSum = 0;
        int[][] gtOf = new int[n][];
        double[][][] gtAll = new double[n][][];
        for (int b = 0; b < n; b++) {
            float[][] ps = new float[a][nc];
            float[][] pb = new float[a][4];
            float[][] ap = new float[a][2];
            for (int i = 0; i < a; i++) {
                System.arraycopy(scoresFlat, (b * a + i) * nc, ps[i], 0, nc);
                for (int k = 0; k < 4; k++) {
                    pb[i][k] = boxesFlat[(b * a + i) * 4 + k] * anc[i][2];
                }
                ap[i][0] = anc[i][0] * anc[i][2];
                ap[i][1] = anc[i][1] * anc[i][2];
            }
            Boxes t = targets.get(b);
            double[][] gb = new double[t.size()][4];
            for (int j = 0; j < t.size(); j++) {
                System.arraycopy(t.xyxy(), 4 * j, gb[j], 0, 4);
            }
            TaskAlignedAssigner.Assignment asg = TaskAlignedAssigner.assign(ps, pb, ap, gb, t.labels());
            gtOf[b] = asg.gt();
            gtAll[b] = gb;
            for (int i = 0; i < a; i++) {
                int base = b * a + i;
                float sum = 0;
                for (int c = 0; c < nc; c++) {
                    targetScores[base * nc + c] = asg.scores()[i][c];
                    sum += asg.scores()[i][c];
                }
                scoreSum += sum;
                int j = asg.gt()[i];
                double s = anc[i][2];
                if (j < 0) {
                    // a harmless box for anchors without an object; their weight is 0
                    targetBoxes[base * 4 + 2] = 1;
                    targetBoxes[base * 4 + 3] = 1;
                    continue;
                }
                weight[base] = sum;
                double[] box = {gb[j][0] / s, gb[j][1] / s, gb[j][2] / s, gb[j][3] / s};
                for (int k = 0; k < 4; k++) {
                    targetBoxes[base * 4 + k] = (float) box[k];
                }
                double[] d = {anc[i][0] - box[0], anc[i][1] - box[1], box[2] - anc[i][0], box[3] - anc[i][1]};
                for (int k = 0; k < 4; k++) {
                    double v = Math.min(Math.max(d[k], 0), YoloV8.REG_MAX - 1 - 0.01);
                    int left = (int) Math.floor(v);
                    double wl = left + 1 - v;
                    int off = ((base * 4) + k) * YoloV8.REG_MAX;
                    dflWeights[off + left] += (float) wl;
                    dflWeights[off + left + 1] += (float) (1 - wl);
                }
            }
        }
        float norm = (float) Math.max(scoreSum, 1);
        NDArray ts = m.create(targetScores, new Shape(n, a, nc));
        NDArray cls = Scalars.div(bceWithLogits(logits, ts).sum(), norm);
        NDArray wt = m.create(weight, new Shape(n, a));
        NDArray tb = m.create(targetBoxes, new Shape(n, a, 4));
        NDArray ciou = NDArrayBoxes.ciou(predBoxes, tb); // [n, a]
        NDArray box = Scalars.div(ciou.neg().add(1f).mul(wt).sum(), norm);
        NDArray logp = dist.reshape(n, a, 4, YoloV8.REG_MAX).logSoftmax(3);
        NDArray dw = m.create(dflWeights, new Shape(n, a, 4, YoloV8.REG_MAX));
        NDArray dfl = Scalars.div(logp.mul(dw).sum(new int[] {3}).neg().mean(new int[] {2}).mul(wt).sum(), norm);
        return new Terms(box, cls, dfl, gtOf, gtAll);
    }

    /**
     * For explaining a detection: per image, the pre-sigmoid class score of the anchor whose predicted box
     * overlaps {@code boxes[i]} most (IoU on the detached prediction; the higher score on ties), for class
     * {@code classes[i]} (or, where negative, that anchor's best class). Returns {@code [N, 1]}, differentiable
     * with respect to the network's activations.
     *
     * @param boxes one xyxy box per image, in pixels of {@code images}
     */
    public NDArray detectionLogit(NDArray images, double[][] boxes, int[] classes) {
        int n = (int) images.getShape().get(0);
        int h = (int) images.getShape().get(2);
        int w = (int) images.getShape().get(3);
        int nc = net.numClasses();
        float[][] anc = anchors(h, w);
        int a = anc.length;
        // explainers back-propagate through this: the default layout, whose gradients the parity tests check
        // (libtorch 2.7's channels-last weight gradients stray from them, by up to 10% on vgg16)
        YoloNet.checkInput(images);
        NDArray pred = net.apply(images).transpose(0, 2, 1);
        NDArray logits = logits(pred, nc);
        float[] decoded = decode(pred.get(":, :, :" + 4 * YoloV8.REG_MAX).stopGradient(), anc);
        float[] scores = logits.stopGradient().toFloatArray();
        long[] index = new long[n];
        for (int b = 0; b < n; b++) {
            double best = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            int bestAnchor = 0;
            int bestClass = 0;
            for (int i = 0; i < a; i++) {
                float s = anc[i][2];
                double[] d = {decoded[(b * a + i) * 4] * s, decoded[(b * a + i) * 4 + 1] * s,
                    decoded[(b * a + i) * 4 + 2] * s, decoded[(b * a + i) * 4 + 3] * s};
                double iou = iou(boxes[b], d);
                int c = classes[b];
                if (c < 0) {
                    c = 0;
                    for (int k = 1; k < nc; k++) {
                        if (scores[(b * a + i) * nc + k] > scores[(b * a + i) * nc + c]) {
                            c = k;
                        }
                    }
                }
                double sc = scores[(b * a + i) * nc + c];
                if (iou > best || (iou == best && sc > bestScore)) {
                    best = iou;
                    bestScore = sc;
                    bestAnchor = i;
                    bestClass = c;
                }
            }
            index[b] = ((long) b * a + bestAnchor) * nc + bestClass;
        }
        return logits.reshape(-1).get(images.getManager().create(index)).reshape(n, 1);
    }

    /** The class logits {@code [N, A, nc]} of raw predictions {@code [N, A, 4 x REG_MAX + nc (+ more)]}. */
    private static NDArray logits(NDArray pred, int nc) {
        return pred.get(":, :, " + 4 * YoloV8.REG_MAX + ":" + (4 * YoloV8.REG_MAX + nc));
    }

    /**
     * Boxes xyxy in grid units, flat {@code [N x A x 4]}, from the distance logits {@code [N, A, 4 x REG_MAX]} and
     * the anchors ({@link #anchors}: centre x, y, stride).
     */
    private static float[] decode(NDArray dist, float[][] anc) {
        int a = anc.length;
        float[] ax = new float[a * 2];
        for (int i = 0; i < a; i++) {
            ax[2 * i] = anc[i][0];
            ax[2 * i + 1] = anc[i][1];
        }
        NDArray anchorPts = dist.getManager().create(ax, new Shape(1, a, 2));
        return NDArrayBoxes.fromDistances(anchorPts, distances(dist)).toFloatArray();
    }

    private static double iou(double[] p, double[] q) {
        double w = Math.min(p[2], q[2]) - Math.max(p[0], q[0]);
        double h = Math.min(p[3], q[3]) - Math.max(p[1], q[1]);
        if (w <= 0 || h <= 0) {
            return 0;
        }
        double inter = w * h;
        return inter / ((p[2] - p[0]) * (p[3] - p[1]) + (q[2] - q[0]) * (q[3] - q[1]) - inter);
    }

    /** {@code BCEWithLogits(x, t)} element-wise: {@code max(x, 0) - x t + log(1 + exp(-|x|))}. */
    static NDArray bceWithLogits(NDArray x, NDArray t) {
        return Scalars.maximum(x, 0).sub(x.mul(t)).add(x.abs().neg().exp().add(1f).log());
    }

    @Override
    public List<Boxes> detect(NDArray images, double conf, int maxDet) {
        return detections(raw(images), (int) images.getShape().get(2), (int) images.getShape().get(3), conf, maxDet,
                null);
    }

    /**
     * {@link #detect}'s work on raw predictions of an {@code h x w} batch; when {@code anchorsOut} is given, adds
     * per image the anchor index of each kept detection.
     */
    List<Boxes> detections(NDArray pred, int h, int w, double conf, int maxDet, List<int[]> anchorsOut) {
        int n = (int) pred.getShape().get(0);
        int nc = net.numClasses();
        float[][] anc = anchors(h, w);
        int a = anc.length;
        float[] boxes = decode(pred.get(":, :, :" + 4 * YoloV8.REG_MAX), anc);
        float[] scores = Functional.sigmoid(logits(pred, nc)).toFloatArray();
        List<Boxes> out = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            List<Integer> keep = new ArrayList<>();
            List<Integer> cls = new ArrayList<>();
            List<Float> sc = new ArrayList<>();
            for (int i = 0; i < a; i++) {
                int best = 0;
                float bs = -1;
                for (int c = 0; c < nc; c++) {
                    float v = scores[(b * a + i) * nc + c];
                    if (v > bs) {
                        bs = v;
                        best = c;
                    }
                }
                if (bs >= conf) {
                    keep.add(i);
                    cls.add(best);
                    sc.add(bs);
                }
            }
            int k = keep.size();
            float[] kb = new float[4 * k];
            float[] ks = new float[k];
            int[] kc = new int[k];
            for (int q = 0; q < k; q++) {
                int i = keep.get(q);
                float s = anc[i][2];
                for (int j = 0; j < 4; j++) {
                    kb[4 * q + j] = boxes[(b * a + i) * 4 + j] * s;
                }
                ks[q] = sc.get(q);
                kc[q] = cls.get(q);
            }
            int[] kept = Nms.batchedNms(kb, ks, kc, NMS_IOU);
            int m = Math.min(kept.length, maxDet);
            double[] xyxy = new double[4 * m];
            int[] labels = new int[m];
            double[] sco = new double[m];
            int[] anchorOf = new int[m];
            for (int q = 0; q < m; q++) {
                int i = kept[q];
                anchorOf[q] = keep.get(i);
                for (int j = 0; j < 4; j++) {
                    xyxy[4 * q + j] = Math.min(Math.max(kb[4 * i + j], 0), j % 2 == 0 ? w : h);
                }
                labels[q] = kc[i];
                sco[q] = ks[i];
            }
            out.add(new Boxes(xyxy, labels, sco));
            if (anchorsOut != null) {
                anchorsOut.add(anchorOf);
            }
        }
        return out;
    }

    @Override
    public String transfer(Path weights, NDManager manager) {
        Map<String, Parameter> mine = net.stateDict();
        int taken = 0;
        int skipped = 0;
        try (SafeTensors st = SafeTensors.open(weights)) {
            for (Map.Entry<String, SafeTensors.Entry> e : st.entries().entrySet()) {
                Parameter p = mine.get(e.getKey());
                if (p == null) {
                    throw new LumenException(weights, "unexpected tensor " + e.getKey() + " for " + arch());
                }
                long[] shape = e.getValue().shape();
                if (!new Shape(shape).equals(p.shape())) {
                    if (e.getKey().startsWith("model.22.cv3.") && e.getKey().matches("model\\.22\\.cv3\\.\\d\\.2\\..*")) {
                        skipped++; // the class branch's last convolution: another class count
                        continue;
                    }
                    throw new LumenException(weights, e.getKey() + ": shape " + new Shape(shape) + " but " + arch()
                            + " has " + p.shape());
                }
                p.setValue(manager.create(st.readFloats(e.getValue()), p.shape()).toType(p.dataType(), false));
                taken++;
            }
        }
        return "transferred " + taken + " tensors from " + weights
                + (skipped > 0 ? " (class head left fresh: " + skipped + " tensors of another class count)" : "");
    }
}
