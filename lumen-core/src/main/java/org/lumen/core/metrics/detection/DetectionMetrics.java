package org.lumen.core.metrics.detection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.lumen.core.metrics.Curve;

/**
 * What an astronomer or a field scientist asks of a detector besides COCO's mAP: how many of the real objects
 * it found (<b>completeness</b>, the recall) and how many of its detections are real (<b>purity</b>, the
 * precision), at a stated IoU and confidence; the same per class; precision-recall and F1-confidence curves;
 * and a confusion matrix with a background row and column.
 *
 * <p><b>Matching</b> (completeness, purity, the curves): per image, detections in descending score order (ties
 * in input order) each take the not-yet-matched ground-truth box of the same class (any class when
 * {@code classAgnostic}) with the highest IoU, if that IoU is at least the threshold; ties in IoU go to the
 * lower ground-truth index. This is the greedy matching of pycocotools and of the clump paper's evaluation at
 * a single IoU, without crowd or area ranges. A detection is a true positive if it matched. Completeness at
 * confidence {@code c} is (true positives with score &ge; c) / (ground-truth boxes); purity is (true
 * positives with score &ge; c) / (detections with score &ge; c), 0 when there are no detections. Matching is
 * done once over all detections, so a detection's status does not depend on {@code c}.
 *
 * <p><b>Confusion matrix</b> ({@code (K + 1) x (K + 1)}, row = predicted class, column = true class, index
 * {@code K} = background), Ultralytics' definition: detections with score &gt; {@code conf} only; candidate
 * pairs have IoU &gt; {@code iou} whatever their classes; pairs are taken by descending IoU keeping each
 * detection and each truth at most once; a truth with a pair counts at (its detection's class, its class),
 * without one at (background, its class); a detection without a pair counts at (its class, background).
 */
public final class DetectionMetrics {
    private final int numClasses;
    private final double iou;
    private final double conf;
    private final boolean classAgnostic;
    /** Per class: every detection's score and whether it matched, sorted by descending score. */
    private final double[][] scores;
    private final boolean[][] matched;
    private final int[] truthCount;
    private final long[][] confusion;

    private DetectionMetrics(int numClasses, double iou, double conf, boolean classAgnostic, double[][] scores,
            boolean[][] matched, int[] truthCount, long[][] confusion) {
        this.numClasses = numClasses;
        this.iou = iou;
        this.conf = conf;
        this.classAgnostic = classAgnostic;
        this.scores = scores;
        this.matched = matched;
        this.truthCount = truthCount;
        this.confusion = confusion;
    }

    /**
     * Evaluates detections against ground truth, image by image.
     *
     * @param truth ground truth per image
     * @param detections detections per image (same order and count as {@code truth})
     * @param numClasses class count; labels must lie in {@code [0, numClasses)}
     * @param iou the IoU at which a detection matches a truth (0.5 for the clump paper)
     * @param conf the confidence at which completeness, purity and the confusion matrix are reported
     * @param classAgnostic whether a detection may match a truth of another class (completeness and purity
     *     then count objects whatever their class)
     */
    public static DetectionMetrics evaluate(List<Boxes> truth, List<Boxes> detections, int numClasses, double iou,
            double conf, boolean classAgnostic) {
        if (truth.size() != detections.size()) {
            throw new IllegalArgumentException(truth.size() + " images of truth, " + detections.size()
                    + " of detections");
        }
        int groups = classAgnostic ? 1 : numClasses;
        List<List<double[]>> perGroup = new ArrayList<>();
        for (int k = 0; k < groups; k++) {
            perGroup.add(new ArrayList<>());
        }
        int[] truthCount = new int[groups];
        long[][] confusion = new long[numClasses + 1][numClasses + 1];
        for (int n = 0; n < truth.size(); n++) {
            Boxes gt = truth.get(n);
            Boxes dt = detections.get(n);
            if (dt.scores() == null) {
                throw new IllegalArgumentException("detections of image " + n + " have no scores");
            }
            checkLabels(gt, numClasses, n);
            checkLabels(dt, numClasses, n);
            for (int g = 0; g < gt.size(); g++) {
                truthCount[classAgnostic ? 0 : gt.labels()[g]]++;
            }
            boolean[] tp = match(gt, dt, iou, classAgnostic);
            for (int d = 0; d < dt.size(); d++) {
                perGroup.get(classAgnostic ? 0 : dt.labels()[d]).add(new double[] {dt.scores()[d], tp[d] ? 1 : 0});
            }
            confuse(gt, dt, iou, conf, numClasses, confusion);
        }
        double[][] scores = new double[groups][];
        boolean[][] matched = new boolean[groups][];
        for (int k = 0; k < groups; k++) {
            List<double[]> list = perGroup.get(k);
            // stable: equal scores keep image order, then detection order
            list.sort(Comparator.comparingDouble((double[] e) -> -e[0]));
            scores[k] = new double[list.size()];
            matched[k] = new boolean[list.size()];
            for (int i = 0; i < list.size(); i++) {
                scores[k][i] = list.get(i)[0];
                matched[k][i] = list.get(i)[1] != 0;
            }
        }
        return new DetectionMetrics(numClasses, iou, conf, classAgnostic, scores, matched, truthCount, confusion);
    }

    private static void checkLabels(Boxes b, int numClasses, int image) {
        for (int l : b.labels()) {
            if (l < 0 || l >= numClasses) {
                throw new IllegalArgumentException("label " + l + " in image " + image + " is outside [0, "
                        + numClasses + ")");
            }
        }
    }

    /** Greedy matching as described in the class comment; returns whether each detection matched. */
    static boolean[] match(Boxes gt, Boxes dt, double iou, boolean classAgnostic) {
        Integer[] order = new Integer[dt.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> -dt.scores()[i]));
        boolean[] taken = new boolean[gt.size()];
        boolean[] tp = new boolean[dt.size()];
        for (int d : order) {
            double best = iou;
            int bestG = -1;
            for (int g = 0; g < gt.size(); g++) {
                if (taken[g] || (!classAgnostic && gt.labels()[g] != dt.labels()[d])) {
                    continue;
                }
                double v = dt.iou(d, gt, g);
                if (v >= best && (bestG < 0 || v > best)) {
                    best = v;
                    bestG = g;
                }
            }
            if (bestG >= 0) {
                taken[bestG] = true;
                tp[d] = true;
            }
        }
        return tp;
    }

    private static void confuse(Boxes gt, Boxes dt, double iou, double conf, int nc, long[][] m) {
        List<Integer> kept = new ArrayList<>();
        for (int d = 0; d < dt.size(); d++) {
            if (dt.scores()[d] > conf) {
                kept.add(d);
            }
        }
        List<double[]> pairs = new ArrayList<>();
        for (int g = 0; g < gt.size(); g++) {
            for (int d : kept) {
                double v = dt.iou(d, gt, g);
                if (v > iou) {
                    pairs.add(new double[] {g, d, v});
                }
            }
        }
        pairs.sort(Comparator.comparingDouble((double[] p) -> -p[2]));
        int[] truthOf = new int[dt.size()];
        int[] detOf = new int[gt.size()];
        Arrays.fill(truthOf, -1);
        Arrays.fill(detOf, -1);
        for (double[] p : pairs) {
            int g = (int) p[0];
            int d = (int) p[1];
            if (detOf[g] < 0 && truthOf[d] < 0) {
                detOf[g] = d;
                truthOf[d] = g;
            }
        }
        for (int g = 0; g < gt.size(); g++) {
            int c = gt.labels()[g];
            m[detOf[g] >= 0 ? dt.labels()[detOf[g]] : nc][c]++;
        }
        for (int d : kept) {
            if (truthOf[d] < 0) {
                m[dt.labels()[d]][nc]++;
            }
        }
    }

    /** Completeness (recall) over all classes at the reporting confidence. */
    public double completeness() {
        return completeness(-1, conf);
    }

    /** Purity (precision) over all classes at the reporting confidence. */
    public double purity() {
        return purity(-1, conf);
    }

    /**
     * Completeness of class {@code k} ({@code -1}: all classes together; ignored when class-agnostic) counting
     * detections with score &ge; {@code minScore}; NaN when there is no ground truth.
     */
    public double completeness(int k, double minScore) {
        long[] c = counts(k, minScore);
        return c[2] == 0 ? Double.NaN : (double) c[0] / c[2];
    }

    /** Purity of class {@code k} ({@code -1}: all) counting detections with score &ge; {@code minScore}. */
    public double purity(int k, double minScore) {
        long[] c = counts(k, minScore);
        return c[1] == 0 ? 0 : (double) c[0] / c[1];
    }

    /** {true positives, detections, ground truth} at {@code minScore}. */
    public long[] counts(int k, double minScore) {
        long tp = 0;
        long det = 0;
        long truth = 0;
        for (int g = 0; g < scores.length; g++) {
            if (k >= 0 && !classAgnostic && g != k) {
                continue;
            }
            truth += truthCount[g];
            for (int i = 0; i < scores[g].length && scores[g][i] >= minScore; i++) {
                det++;
                tp += matched[g][i] ? 1 : 0;
            }
        }
        return new long[] {tp, det, truth};
    }

    /** F1 of completeness and purity at {@code minScore} ({@code k = -1}: all classes); 0 when both are 0. */
    public double f1(int k, double minScore) {
        double p = purity(k, minScore);
        double r = completeness(k, minScore);
        return p + r == 0 || Double.isNaN(r) ? 0 : 2 * p * r / (p + r);
    }

    /**
     * The precision-recall curve of class {@code k} ({@code -1}: all classes pooled): one point per distinct
     * score, from the highest score down, recall increasing.
     */
    public Curve precisionRecall(int k) {
        double[] s = pooledScores(k);
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        List<Double> ts = new ArrayList<>();
        for (int i = 0; i < s.length; i++) {
            if (i + 1 < s.length && s[i + 1] == s[i]) {
                continue;
            }
            xs.add(completeness(k, s[i]));
            ys.add(purity(k, s[i]));
            ts.add(s[i]);
        }
        return new Curve(unbox(xs), unbox(ys), unbox(ts));
    }

    /** F1 against confidence at {@code points} evenly spaced confidences from 0 to 1, as Ultralytics plots it. */
    public Curve f1Confidence(int k, int points) {
        double[] x = new double[points];
        double[] y = new double[points];
        for (int i = 0; i < points; i++) {
            x[i] = points == 1 ? 0 : (double) i / (points - 1);
            y[i] = f1(k, x[i]);
        }
        return new Curve(x, y, x.clone());
    }

    /** The confusion matrix, row = predicted, column = true, last row and column = background. */
    public long[][] confusion() {
        long[][] c = new long[confusion.length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = confusion[i].clone();
        }
        return c;
    }

    private double[] pooledScores(int k) {
        if (k >= 0 && !classAgnostic) {
            return scores[k];
        }
        return Arrays.stream(scores).flatMapToDouble(Arrays::stream).boxed()
                .sorted(Comparator.reverseOrder()).mapToDouble(Double::doubleValue).toArray();
    }

    private static double[] unbox(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).toArray();
    }

    public int numClasses() {
        return numClasses;
    }

    public double iou() {
        return iou;
    }

    public double conf() {
        return conf;
    }

    public boolean classAgnostic() {
        return classAgnostic;
    }
}
