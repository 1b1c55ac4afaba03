package org.lumen.core.metrics.coco;

import static org.lumen.core.metrics.coco.CocoParams.ALL;
import static org.lumen.core.metrics.coco.CocoParams.AREA_COUNT;
import static org.lumen.core.metrics.coco.CocoParams.IOU_COUNT;
import static org.lumen.core.metrics.coco.CocoParams.LARGE;
import static org.lumen.core.metrics.coco.CocoParams.MAX_DETS_COUNT;
import static org.lumen.core.metrics.coco.CocoParams.MEDIUM;
import static org.lumen.core.metrics.coco.CocoParams.RECALL_COUNT;
import static org.lumen.core.metrics.coco.CocoParams.SMALL;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of a COCO evaluation: pycocotools' {@code eval} arrays ({@code precision[T][R][K][A][M]},
 * {@code recall[T][K][A][M]}, {@code scores[T][R][K][A][M]}; -1 where a category has no ground truth in that
 * setting) and the 12 summary statistics of {@code COCOeval.stats}. Indices: T IoU thresholds, R recall
 * thresholds, A area ranges and M detection limits as in {@link CocoParams}; K categories in ascending id
 * order ({@link #categoryIds()}).
 */
public final class CocoEvaluation {
    /** The names of {@link #stats()}, in order: the keys of {@code lumen coco-eval --json}. */
    public static final List<String> STAT_NAMES = List.of("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10",
            "AR100", "ARs", "ARm", "ARl");
    private static final int DETS_100 = 2;

    private final IouType type;
    private final long[] categoryIds;
    private final String[] categoryNames;
    private final Arrays arrays;
    private final double[] stats;

    CocoEvaluation(IouType type, long[] categoryIds, String[] categoryNames, Arrays arrays) {
        this.type = type;
        this.categoryIds = categoryIds;
        this.categoryNames = categoryNames;
        this.arrays = arrays;
        this.stats = summarise();
    }

    public IouType iouType() {
        return type;
    }

    /** Category ids in ascending order: index {@code k} of the arrays. */
    public long[] categoryIds() {
        return categoryIds.clone();
    }

    public String[] categoryNames() {
        return categoryNames.clone();
    }

    /** The 12 statistics, in the order of {@link #STAT_NAMES}; -1 where undefined (no ground truth). */
    public double[] stats() {
        return stats.clone();
    }

    /** The 12 statistics by name, in order. */
    public Map<String, Double> statsByName() {
        Map<String, Double> named = new LinkedHashMap<>();
        for (int i = 0; i < stats.length; i++) {
            named.put(STAT_NAMES.get(i), stats[i]);
        }
        return named;
    }

    /** Interpolated precision at recall threshold {@code r}; -1 where the category has no ground truth. */
    public double precision(int t, int r, int k, int a, int m) {
        return arrays.precision[arrays.index(t, r, k, a, m)];
    }

    /** The score of the detection at which recall threshold {@code r} is reached (0 if never). */
    public double scoreAt(int t, int r, int k, int a, int m) {
        return arrays.scores[arrays.index(t, r, k, a, m)];
    }

    /** Maximum recall; -1 where the category has no ground truth. */
    public double recall(int t, int k, int a, int m) {
        return arrays.recall[arrays.recallIndex(t, k, a, m)];
    }

    /** Precision at the {@link CocoParams#recallThresholds()} for one setting: a PR curve. */
    public double[] precisionCurve(int t, int k, int a, int m) {
        double[] curve = new double[RECALL_COUNT];
        for (int r = 0; r < RECALL_COUNT; r++) {
            curve[r] = precision(t, r, k, a, m);
        }
        return curve;
    }

    /**
     * AP per category (IoU 0.50:0.95, all areas, 100 detections), aligned with {@link #categoryIds()}; -1 for a
     * category without ground truth.
     */
    public double[] categoryAp() {
        return categoryAp(-1);
    }

    /** AP per category at one IoU threshold index, or over all of them with {@code t = -1}. */
    public double[] categoryAp(int t) {
        double[] ap = new double[categoryIds.length];
        for (int k = 0; k < ap.length; k++) {
            ap[k] = mean(true, t, k, ALL, DETS_100);
        }
        return ap;
    }

    /** pycocotools' {@code summarize()} text: the 12 statistics, one line each. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        String[] iou = {"0.50:0.95", "0.50", "0.75"};
        int[] iouOf = {0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        int[] areaOf = {ALL, ALL, ALL, SMALL, MEDIUM, LARGE, ALL, ALL, ALL, SMALL, MEDIUM, LARGE};
        int[] detsOf = {2, 2, 2, 2, 2, 2, 0, 1, 2, 2, 2, 2};
        for (int i = 0; i < stats.length; i++) {
            boolean ap = i < 6;
            s.append(String.format(java.util.Locale.ROOT, " %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] = %s%n",
                    ap ? "Average Precision" : "Average Recall", ap ? "(AP)" : "(AR)", iou[iouOf[i]],
                    CocoParams.AREA_LABELS.get(areaOf[i]), CocoParams.MAX_DETS[detsOf[i]], threeDecimals(stats[i])));
        }
        return s.toString();
    }

    /** Python's {@code '{:0.3f}'}: the exact binary value rounded half-even. */
    private static String threeDecimals(double v) {
        return new BigDecimal(v).setScale(3, RoundingMode.HALF_EVEN).toPlainString();
    }

    private double[] summarise() {
        int t50 = CocoParams.iouIndex(.5), t75 = CocoParams.iouIndex(.75);
        return new double[] {
            mean(true, -1, -1, ALL, DETS_100),
            t50 < 0 ? -1 : mean(true, t50, -1, ALL, DETS_100),
            t75 < 0 ? -1 : mean(true, t75, -1, ALL, DETS_100),
            mean(true, -1, -1, SMALL, DETS_100),
            mean(true, -1, -1, MEDIUM, DETS_100),
            mean(true, -1, -1, LARGE, DETS_100),
            mean(false, -1, -1, ALL, 0),
            mean(false, -1, -1, ALL, 1),
            mean(false, -1, -1, ALL, DETS_100),
            mean(false, -1, -1, SMALL, DETS_100),
            mean(false, -1, -1, MEDIUM, DETS_100),
            mean(false, -1, -1, LARGE, DETS_100),
        };
    }

    /**
     * The mean of the defined (> -1) precisions (or recalls) of one area range and detection limit, over one
     * IoU threshold or all ({@code t = -1}), one category or all ({@code k = -1}); -1 when none is defined.
     */
    private double mean(boolean precision, int t, int k, int a, int m) {
        double sum = 0;
        long n = 0;
        for (int ti = t < 0 ? 0 : t; ti < (t < 0 ? IOU_COUNT : t + 1); ti++) {
            for (int r = 0; r < (precision ? RECALL_COUNT : 1); r++) {
                for (int ki = k < 0 ? 0 : k; ki < (k < 0 ? categoryIds.length : k + 1); ki++) {
                    double v = precision ? precision(ti, r, ki, a, m) : recall(ti, ki, a, m);
                    if (v > -1) {
                        sum += v;
                        n++;
                    }
                }
            }
        }
        return n == 0 ? -1 : sum / n;
    }

    /** The flat result arrays, filled by the evaluator. */
    static final class Arrays {
        final int categories;
        final double[] precision;
        final double[] scores;
        final double[] recall;

        Arrays(int categories) {
            this.categories = categories;
            int size = IOU_COUNT * RECALL_COUNT * categories * AREA_COUNT * MAX_DETS_COUNT;
            precision = new double[size];
            scores = new double[size];
            recall = new double[size / RECALL_COUNT];
            java.util.Arrays.fill(precision, -1);
            java.util.Arrays.fill(scores, -1);
            java.util.Arrays.fill(recall, -1);
        }

        int index(int t, int r, int k, int a, int m) {
            return (((t * RECALL_COUNT + r) * categories + k) * AREA_COUNT + a) * MAX_DETS_COUNT + m;
        }

        int recallIndex(int t, int k, int a, int m) {
            return ((t * categories + k) * AREA_COUNT + a) * MAX_DETS_COUNT + m;
        }

        void setPrecision(int t, int r, int k, int a, int m, double p, double score) {
            int i = index(t, r, k, a, m);
            precision[i] = p;
            scores[i] = score;
        }

        void setRecall(int t, int k, int a, int m, double value) {
            recall[recallIndex(t, k, a, m)] = value;
        }
    }
}
