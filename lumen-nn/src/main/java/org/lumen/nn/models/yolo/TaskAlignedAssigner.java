package org.lumen.nn.models.yolo;

/**
 * YOLOv8's task-aligned assigner (TOOD; Ultralytics' {@code TaskAlignedAssigner}, topk 10, alpha 0.5, beta 6),
 * for one image, in plain Java: with a few hundred anchors and a handful of objects per image this is cheaper
 * than tensor code and easy to check by hand.
 *
 * <ol>
 *   <li>Candidates of object g: anchors whose point lies strictly inside g's box.</li>
 *   <li>Alignment {@code t = s^alpha * u^beta}: s the predicted score of g's class at the anchor, u the CIoU of
 *       the predicted box with g's box clamped at 0; 0 outside the candidates.</li>
 *   <li>Each object keeps its {@code topk} anchors by t (ties: lower anchor index first), candidates only.</li>
 *   <li>An anchor kept by several objects goes to the one its predicted box overlaps most (first on ties).</li>
 *   <li>Target score of a positive anchor: its class one-hot times {@code t * u_max(g) / (t_max(g) + eps)},
 *       normalised per object by its best alignment and best overlap.</li>
 * </ol>
 */
public final class TaskAlignedAssigner {
    public static final int TOPK = 10;
    public static final double ALPHA = 0.5;
    public static final double BETA = 6.0;
    public static final double EPS = 1e-9;

    /**
     * What one image's anchors are assigned.
     *
     * @param gt object index per anchor (-1: background)
     * @param scores target class scores, {@code [A][nc]}
     */
    public record Assignment(int[] gt, float[][] scores) {
        public boolean positive(int a) {
            return gt[a] >= 0;
        }
    }

    private TaskAlignedAssigner() {}

    /**
     * @param predScores sigmoid class scores {@code [A][nc]}
     * @param predBoxes predicted boxes {@code [A][4]} xyxy in pixels
     * @param anchors anchor points {@code [A][2]} in pixels
     * @param gtBoxes object boxes {@code [G][4]} xyxy in pixels
     * @param gtLabels object classes {@code [G]}
     */
    public static Assignment assign(float[][] predScores, float[][] predBoxes, float[][] anchors, double[][] gtBoxes,
            int[] gtLabels) {
        int a = anchors.length;
        int g = gtBoxes.length;
        int nc = a == 0 ? 0 : predScores[0].length;
        int[] gtOf = new int[a];
        java.util.Arrays.fill(gtOf, -1);
        float[][] scores = new float[a][nc];
        if (g == 0) {
            return new Assignment(gtOf, scores);
        }
        double[][] align = new double[g][a];
        double[][] overlap = new double[g][a];
        boolean[][] pos = new boolean[g][a];
        for (int j = 0; j < g; j++) {
            double[] b = gtBoxes[j];
            for (int i = 0; i < a; i++) {
                double ax = anchors[i][0];
                double ay = anchors[i][1];
                double inside = Math.min(Math.min(ax - b[0], ay - b[1]), Math.min(b[2] - ax, b[3] - ay));
                if (inside > EPS) {
                    double u = Math.max(0, ciou(b, predBoxes[i]));
                    overlap[j][i] = u;
                    align[j][i] = Math.pow(predScores[i][gtLabels[j]], ALPHA) * Math.pow(u, BETA);
                    pos[j][i] = true; // a candidate; narrowed to the top k below
                }
            }
            // top k anchors by alignment over all anchors (non-candidates have 0), lower index first on ties
            Integer[] order = new Integer[a];
            for (int i = 0; i < a; i++) {
                order[i] = i;
            }
            final int jj = j;
            java.util.Arrays.sort(order, (p, q) -> Double.compare(align[jj][q], align[jj][p]));
            boolean[] top = new boolean[a];
            for (int k = 0; k < Math.min(TOPK, a); k++) {
                top[order[k]] = true;
            }
            for (int i = 0; i < a; i++) {
                pos[j][i] &= top[i];
            }
        }
        for (int i = 0; i < a; i++) {
            int best = -1;
            for (int j = 0; j < g; j++) {
                if (pos[j][i] && (best < 0 || overlap[j][i] > overlap[best][i])) {
                    best = j;
                }
            }
            gtOf[i] = best;
        }
        // per object: best alignment and best overlap over its positive anchors (after de-duplication)
        double[] maxAlign = new double[g];
        double[] maxOverlap = new double[g];
        for (int i = 0; i < a; i++) {
            int j = gtOf[i];
            if (j >= 0) {
                maxAlign[j] = Math.max(maxAlign[j], align[j][i]);
                maxOverlap[j] = Math.max(maxOverlap[j], overlap[j][i]);
            }
        }
        for (int i = 0; i < a; i++) {
            int j = gtOf[i];
            if (j >= 0) {
                scores[i][gtLabels[j]] = (float) (align[j][i] * maxOverlap[j] / (maxAlign[j] + EPS));
            }
        }
        return new Assignment(gtOf, scores);
    }

    /** Complete IoU of two xyxy boxes, Ultralytics' {@code bbox_iou(..., CIoU=True)} with eps 1e-7. */
    public static double ciou(double[] b1, float[] b2) {
        return ciou(b1[0], b1[1], b1[2], b1[3], b2[0], b2[1], b2[2], b2[3]);
    }

    public static double ciou(double x1, double y1, double x2, double y2, double u1, double v1, double u2, double v2) {
        double eps = 1e-7;
        double w1 = x2 - x1;
        double h1 = y2 - y1 + eps;
        double w2 = u2 - u1;
        double h2 = v2 - v1 + eps;
        double inter = Math.max(0, Math.min(x2, u2) - Math.max(x1, u1)) * Math.max(0, Math.min(y2, v2) - Math.max(y1, v1));
        double union = w1 * h1 + w2 * h2 - inter + eps;
        double iou = inter / union;
        double cw = Math.max(x2, u2) - Math.min(x1, u1);
        double ch = Math.max(y2, v2) - Math.min(y1, v1);
        double c2 = cw * cw + ch * ch + eps;
        double rho2 = (Math.pow(u1 + u2 - x1 - x2, 2) + Math.pow(v1 + v2 - y1 - y2, 2)) / 4;
        double v = 4 / (Math.PI * Math.PI) * Math.pow(Math.atan(w2 / h2) - Math.atan(w1 / h1), 2);
        double alpha = v / (v - iou + (1 + eps));
        return iou - (rho2 / c2 + v * alpha);
    }
}
