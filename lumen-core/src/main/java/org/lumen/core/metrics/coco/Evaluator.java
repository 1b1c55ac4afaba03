package org.lumen.core.metrics.coco;

import static org.lumen.core.metrics.coco.CocoParams.AREA_COUNT;
import static org.lumen.core.metrics.coco.CocoParams.AREA_RANGES;
import static org.lumen.core.metrics.coco.CocoParams.IOU_COUNT;
import static org.lumen.core.metrics.coco.CocoParams.IOU_THRESHOLDS;
import static org.lumen.core.metrics.coco.CocoParams.MAX_DETS;
import static org.lumen.core.metrics.coco.CocoParams.MAX_DETS_COUNT;

import java.util.Arrays;
import org.lumen.core.geometry.Iou;
import org.lumen.core.geometry.Rle;

/**
 * pycocotools' {@code evaluate()} and {@code accumulate()} on primitive arrays.
 *
 * <p>Ground truth and detections are sorted once into (category, image) groups, detections within a group by
 * descending score (ties in file order), and at most 100 kept per group. Each group's IoU matrix is computed
 * once and matched greedily per area range and IoU threshold; the outcome per detection is two bit masks
 * over the thresholds (matched, ignored). A category's detections are then sorted once by score (ties by
 * image id, then rank in the image) and swept for each area range and detection limit to give precision at
 * the recall thresholds, with pycocotools' monotone envelope and left-sided threshold search.
 */
final class Evaluator {
    private static final double EPS = Math.ulp(1.0);
    private static final int MAX_PER_GROUP = MAX_DETS[MAX_DETS_COUNT - 1];

    private final GroundTruth gt;
    private final IouType type;
    private final int categories;
    private final CocoEvaluation.Arrays out;

    // ground truth sorted by (category, image), file order within
    private int[] gCategory, gImage;
    private double[] gBoxes, gAreas, gMaskBoxes;
    private boolean[] gCrowd;
    private long[] gIds;
    private Rle[] gMasks;
    // detections sorted by (category, image, -score), file order within
    private int[] dCategory, dImage;
    private double[] dBoxes, dAreas, dScores, dMaskBoxes;
    private Rle[] dMasks;

    // per-group scratch
    private double[] ious = new double[0];
    private int[] perm = new int[0];
    private boolean[] ignored = new boolean[0];
    private boolean[] taken = new boolean[0];
    private boolean[] dtOutside = new boolean[0];
    // per-category results of the matching, by position in the category's concatenated detections
    private double[] catScores = new double[0];
    private int[] catRanks = new int[0];
    private int[][] catMatched = new int[AREA_COUNT][0];
    private int[][] catIgnored = new int[AREA_COUNT][0];
    // per-category sweep scratch
    private double[] pr = new double[0], rc = new double[0], sc = new double[0];

    private Evaluator(GroundTruth gt, CocoDetections dt, IouType type) {
        this.gt = gt;
        this.type = type;
        this.categories = gt.categoryIds.length;
        this.out = new CocoEvaluation.Arrays(categories);
        sortGroundTruth();
        sortDetections(dt);
    }

    static CocoEvaluation run(GroundTruth gt, CocoDetections dt, IouType type) {
        Evaluator e = new Evaluator(gt, dt, type);
        e.evaluate();
        return new CocoEvaluation(type, gt.categoryIds, gt.categoryNames, e.out);
    }

    private void sortGroundTruth() {
        int n = gt.size();
        int[] order = identity(n);
        StableSort.sort(order, 0, n, (a, b) -> gt.category[a] != gt.category[b]
                ? Integer.compare(gt.category[a], gt.category[b]) : Integer.compare(gt.image[a], gt.image[b]));
        gCategory = new int[n];
        gImage = new int[n];
        gBoxes = new double[4 * n];
        gAreas = new double[n];
        gCrowd = new boolean[n];
        gIds = new long[n];
        gMasks = gt.masks == null ? null : new Rle[n];
        for (int i = 0; i < n; i++) {
            int j = order[i];
            gCategory[i] = gt.category[j];
            gImage[i] = gt.image[j];
            System.arraycopy(gt.boxes, 4 * j, gBoxes, 4 * i, 4);
            gAreas[i] = gt.areas[j];
            gCrowd[i] = gt.crowd[j];
            gIds[i] = gt.ids[j];
            if (gMasks != null) {
                gMasks[i] = gt.masks[j];
            }
        }
        gMaskBoxes = gMasks == null ? null : Iou.bboxes(gMasks);
    }

    private void sortDetections(CocoDetections dt) {
        int n = dt.size();
        int[] image = new int[n], category = new int[n];
        for (int i = 0; i < n; i++) {
            // CocoDetections.read checked these; detections built in memory are checked here
            Integer imageAt = gt.imageIndex.get(dt.imageIds[i]), categoryAt = gt.categoryIndex.get(dt.categoryIds[i]);
            if (imageAt == null || categoryAt == null) {
                throw new IllegalArgumentException("detection " + i + ": unknown " + (imageAt == null
                        ? "image id " + dt.imageIds[i] : "category id " + dt.categoryIds[i]));
            }
            image[i] = imageAt;
            category[i] = categoryAt;
        }
        int[] order = identity(n);
        StableSort.sort(order, 0, n, (a, b) -> category[a] != category[b] ? Integer.compare(category[a], category[b])
                : image[a] != image[b] ? Integer.compare(image[a], image[b])
                : StableSort.byScoreDescending(dt.scores[a], dt.scores[b]));
        dCategory = new int[n];
        dImage = new int[n];
        dBoxes = new double[4 * n];
        dAreas = new double[n];
        dScores = new double[n];
        dMasks = type == IouType.SEGM ? new Rle[n] : null;
        for (int i = 0; i < n; i++) {
            int j = order[i];
            dCategory[i] = category[j];
            dImage[i] = image[j];
            System.arraycopy(dt.boxes, 4 * j, dBoxes, 4 * i, 4);
            dAreas[i] = dt.areas[j];
            dScores[i] = dt.scores[j];
            if (dMasks != null) {
                Rle mask = dt.masks == null ? null : dt.masks[j];
                dMasks[i] = mask != null ? mask : Rle.fromBox(dBoxes[4 * i], dBoxes[4 * i + 1], dBoxes[4 * i + 2],
                        dBoxes[4 * i + 3], gt.imageHeights[image[j]], gt.imageWidths[image[j]]);
            }
        }
        dMaskBoxes = dMasks == null ? null : Iou.bboxes(dMasks);
    }

    private void evaluate() {
        int g = 0, d = 0;
        int[] npig = new int[AREA_COUNT];
        for (int k = 0; k < categories; k++) {
            int gEnd = g, dEnd = d;
            while (gEnd < gCategory.length && gCategory[gEnd] == k) {
                gEnd++;
            }
            while (dEnd < dCategory.length && dCategory[dEnd] == k) {
                dEnd++;
            }
            Arrays.fill(npig, 0);
            int positions = 0;
            int groups = 0;
            ensureCategoryCapacity(dEnd - d);
            while (g < gEnd || d < dEnd) {
                int image = Math.min(g < gEnd ? gImage[g] : Integer.MAX_VALUE, d < dEnd ? dImage[d] : Integer.MAX_VALUE);
                int gStart = g, dStart = d;
                while (g < gEnd && gImage[g] == image) {
                    g++;
                }
                while (d < dEnd && dImage[d] == image) {
                    d++;
                }
                int kept = Math.min(d - dStart, MAX_PER_GROUP);
                matchGroup(gStart, g - gStart, dStart, kept, positions, npig);
                positions += kept;
                groups++;
            }
            if (groups > 0) {
                accumulate(k, positions, npig);
            }
        }
    }

    private void ensureCategoryCapacity(int n) {
        if (catScores.length < n) {
            int size = Math.max(n, 2 * catScores.length);
            catScores = new double[size];
            catRanks = new int[size];
            for (int a = 0; a < AREA_COUNT; a++) {
                catMatched[a] = new int[size];
                catIgnored[a] = new int[size];
            }
            pr = new double[size];
            rc = new double[size];
            sc = new double[size];
        }
    }

    /** pycocotools' {@code computeIoU} and {@code evaluateImg} for one (image, category), all area ranges. */
    private void matchGroup(int g0, int gCount, int d0, int dCount, int position, int[] npig) {
        if (ious.length < dCount * gCount) {
            ious = new double[Math.max(dCount * gCount, 2 * ious.length)];
        }
        if (perm.length < gCount) {
            int size = Math.max(gCount, 2 * perm.length);
            perm = new int[size];
            ignored = new boolean[size];
            taken = new boolean[IOU_COUNT * size];
        }
        if (dtOutside.length < dCount) {
            dtOutside = new boolean[Math.max(dCount, 2 * dtOutside.length)];
        }
        if (gCount > 0 && dCount > 0) {
            if (type == IouType.SEGM) {
                Iou.masks(dMasks, dMaskBoxes, d0, dCount, gMasks, gMaskBoxes, g0, gCount, gCrowd, ious);
            } else {
                Iou.boxes(dBoxes, d0, dCount, gBoxes, g0, gCount, gCrowd, ious);
            }
        }
        for (int d = 0; d < dCount; d++) {
            catScores[position + d] = dScores[d0 + d];
            catRanks[position + d] = d;
        }
        for (int a = 0; a < AREA_COUNT; a++) {
            double lo = AREA_RANGES[a][0], hi = AREA_RANGES[a][1];
            // ground truth that is crowd or outside the range is ignored, and tried last (stable order)
            int p = 0;
            for (int pass = 0; pass < 2; pass++) {
                for (int j = 0; j < gCount; j++) {
                    double area = gAreas[g0 + j];
                    boolean ignore = gCrowd[g0 + j] || area < lo || area > hi;
                    if (ignore == (pass == 1)) {
                        perm[p] = j;
                        ignored[p] = ignore;
                        p++;
                    }
                }
                if (pass == 0) {
                    npig[a] += p;
                }
            }
            for (int d = 0; d < dCount; d++) {
                double area = dAreas[d0 + d];
                dtOutside[d] = area < lo || area > hi;
            }
            int[] matchedBits = catMatched[a], ignoredBits = catIgnored[a];
            for (int d = 0; d < dCount; d++) {
                matchedBits[position + d] = 0;
                ignoredBits[position + d] = 0;
            }
            if (gCount == 0 || dCount == 0) {
                for (int d = 0; d < dCount; d++) {
                    ignoredBits[position + d] = dtOutside[d] ? (1 << IOU_COUNT) - 1 : 0;
                }
                continue;
            }
            Arrays.fill(taken, 0, IOU_COUNT * gCount, false);
            for (int t = 0; t < IOU_COUNT; t++) {
                int bit = 1 << t;
                int takenAt = t * gCount;
                for (int d = 0; d < dCount; d++) {
                    double best = Math.min(IOU_THRESHOLDS[t], 1 - 1e-10);
                    int m = -1;
                    int row = d * gCount;
                    for (int q = 0; q < gCount; q++) {
                        int j = perm[q];
                        if (taken[takenAt + q] && !gCrowd[g0 + j]) {
                            continue;
                        }
                        if (m > -1 && !ignored[m] && ignored[q]) {
                            break;
                        }
                        double iou = ious[row + j];
                        if (iou < best) {
                            continue;
                        }
                        best = iou;
                        m = q;
                    }
                    boolean matched = false;
                    boolean ignore = false;
                    if (m > -1) {
                        taken[takenAt + m] = true;
                        // pycocotools records the match as the ground truth's id, so an id of 0 reads as no match
                        matched = gIds[g0 + perm[m]] != 0;
                        ignore = ignored[m];
                    }
                    if (!matched && dtOutside[d]) {
                        ignore = true;
                    }
                    if (matched) {
                        matchedBits[position + d] |= bit;
                    }
                    if (ignore) {
                        ignoredBits[position + d] |= bit;
                    }
                }
            }
        }
    }

    /** pycocotools' {@code accumulate} for one category whose detections fill positions {@code [0, n)}. */
    private void accumulate(int k, int n, int[] npig) {
        int[] order = identity(n);
        double[] scores = catScores;
        int[] ranks = catRanks;
        // positions are already in (image, rank) order, so a stable sort by score gives pycocotools' tie order
        StableSort.sort(order, 0, n, (a, b) -> StableSort.byScoreDescending(scores[a], scores[b]));
        double[] recallThresholds = CocoParams.RECALL_THRESHOLDS;
        for (int a = 0; a < AREA_COUNT; a++) {
            if (npig[a] == 0) {
                continue;
            }
            int[] matchedBits = catMatched[a], ignoredBits = catIgnored[a];
            for (int m = 0; m < MAX_DETS_COUNT; m++) {
                int maxDet = MAX_DETS[m];
                for (int t = 0; t < IOU_COUNT; t++) {
                    int bit = 1 << t;
                    int nd = 0;
                    double tp = 0, fp = 0;
                    for (int i = 0; i < n; i++) {
                        int p = order[i];
                        if (ranks[p] >= maxDet) {
                            continue;
                        }
                        if ((ignoredBits[p] & bit) == 0) {
                            if ((matchedBits[p] & bit) != 0) {
                                tp++;
                            } else {
                                fp++;
                            }
                        }
                        rc[nd] = tp / npig[a];
                        pr[nd] = tp / (fp + tp + EPS);
                        sc[nd] = scores[p];
                        nd++;
                    }
                    out.setRecall(t, k, a, m, nd > 0 ? rc[nd - 1] : 0);
                    for (int i = nd - 1; i > 0; i--) {
                        if (pr[i] > pr[i - 1]) {
                            pr[i - 1] = pr[i];
                        }
                    }
                    int i = 0;
                    for (int r = 0; r < recallThresholds.length; r++) {
                        while (i < nd && rc[i] < recallThresholds[r]) {
                            i++;
                        }
                        boolean reached = i < nd;
                        out.setPrecision(t, r, k, a, m, reached ? pr[i] : 0, reached ? sc[i] : 0);
                    }
                }
            }
        }
    }

    private static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }
}
