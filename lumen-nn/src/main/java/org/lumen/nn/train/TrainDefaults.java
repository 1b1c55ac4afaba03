package org.lumen.nn.train;

/**
 * The optimiser's defaults for a training run, per task and model family: the values that train well on this
 * project's data and are what its own runs use, so that a command line without them reproduces those runs.
 *
 * <ul>
 *   <li>YOLO ({@code yolov8*}, {@code yolov8*-seg}; trained from scratch): peak learning rate 0.002, weight decay
 *       0.0005, as the demo's detector (and Ultralytics' weight decay).
 *   <li>Faster / Mask R-CNN ({@code fasterrcnn_*}, {@code maskrcnn_*}; usually from a classifier's backbone):
 *       learning rate 0.0001, weight decay 0.05, as the README's and {@code benchmarks/instance}' runs.
 *   <li>Everything else (classifiers, segmentation models): learning rate 0.001, weight decay 0.05.
 * </ul>
 * The values are for AdamW, the default optimiser; they are used whatever the optimiser, and an explicit value
 * always wins.
 */
public final class TrainDefaults {
    public static final double LR = 1e-3;
    public static final double WEIGHT_DECAY = 0.05;
    public static final double YOLO_LR = 2e-3;
    public static final double YOLO_WEIGHT_DECAY = 5e-4;
    public static final double RCNN_LR = 1e-4;
    public static final double RCNN_WEIGHT_DECAY = 0.05;
    /** Memory for a run's prepared images; beyond it the run is refused rather than thrashing (2 cores, 24 GiB). */
    public static final long IMAGE_BUDGET_BYTES = 8L << 30;

    private TrainDefaults() {}

    /** A family's defaults. */
    public record Optimiser(double lr, double weightDecay) {}

    /**
     * The defaults for {@code arch} trained for {@code task} ({@code classify}, {@code segment}, {@code detect});
     * an unknown name gets the general ones (the name is checked elsewhere).
     */
    public static Optimiser of(String task, String arch) {
        if (task.equals("detect") && arch.startsWith("yolov8")) {
            return new Optimiser(YOLO_LR, YOLO_WEIGHT_DECAY);
        }
        if (task.equals("detect") && (arch.startsWith("fasterrcnn_") || arch.startsWith("maskrcnn_"))) {
            return new Optimiser(RCNN_LR, RCNN_WEIGHT_DECAY);
        }
        return new Optimiser(LR, WEIGHT_DECAY);
    }
}
