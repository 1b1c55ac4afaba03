package org.lumen.core.metrics.coco;

import java.util.List;

/**
 * pycocotools' default detection parameters, with the same floating-point values: IoU thresholds
 * 0.50:0.05:0.95 and recall thresholds 0:0.01:1 computed as {@code numpy.linspace} does
 * ({@code start + i * step}, the last one exactly {@code stop}), area ranges all/small/medium/large with
 * inclusive bounds, and 1/10/100 detections per image. Result arrays are indexed by positions in these lists.
 */
public final class CocoParams {
    /** Number of IoU thresholds (T). */
    public static final int IOU_COUNT = 10;
    /** Number of recall thresholds (R). */
    public static final int RECALL_COUNT = 101;
    /** Number of area ranges (A). */
    public static final int AREA_COUNT = 4;
    /** Number of detection limits (M). */
    public static final int MAX_DETS_COUNT = 3;
    /** Area range indices. */
    public static final int ALL = 0, SMALL = 1, MEDIUM = 2, LARGE = 3;
    public static final List<String> AREA_LABELS = List.of("all", "small", "medium", "large");

    static final double[] IOU_THRESHOLDS = linspace(.5, .95, IOU_COUNT);
    static final double[] RECALL_THRESHOLDS = linspace(0, 1, RECALL_COUNT);
    static final int[] MAX_DETS = {1, 10, 100};
    /** {@code [lo, hi]} per area range; an object is in a range when {@code lo <= area <= hi}. */
    static final double[][] AREA_RANGES = {{0, 1e10}, {0, 32 * 32}, {32 * 32, 96 * 96}, {96 * 96, 1e10}};

    private CocoParams() {}

    public static double[] iouThresholds() {
        return IOU_THRESHOLDS.clone();
    }

    public static double[] recallThresholds() {
        return RECALL_THRESHOLDS.clone();
    }

    public static int[] maxDets() {
        return MAX_DETS.clone();
    }

    /** {@code [lo, hi]} of area range {@code a}. */
    public static double[] areaRange(int a) {
        return AREA_RANGES[a].clone();
    }

    /** The index of IoU threshold {@code t} (compared exactly, as pycocotools' summary does), or -1. */
    public static int iouIndex(double t) {
        for (int i = 0; i < IOU_COUNT; i++) {
            if (IOU_THRESHOLDS[i] == t) {
                return i;
            }
        }
        return -1;
    }

    private static double[] linspace(double start, double stop, int num) {
        double step = (stop - start) / (num - 1);
        double[] values = new double[num];
        for (int i = 0; i < num; i++) {
            values[i] = i * step + start;
        }
        values[num - 1] = stop;
        return values;
    }
}
