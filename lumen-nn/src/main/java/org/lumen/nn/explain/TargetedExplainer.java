package org.lumen.nn.explain;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.lumen.core.LumenException;
import org.lumen.core.image.Image;
import org.lumen.nn.detect.Detector;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.model.Preprocess;
import org.lumen.nn.module.Module;
import org.lumen.nn.segment.Segmenter;

/**
 * A detector's or a segmentation model's answer about one place of an image explained, one decoded image at a time
 * (the place differs per image): for a detector ({@link #of(Detector, Factory)}, YOLO) the score of the detection
 * that overlaps a box most ({@link DetectionTarget}); for a segmentation model ({@link #of(Segmenter, Factory)})
 * the mean logit of a class over a region, a box or a mask ({@link SegmentationTarget}). Each image is prepared as
 * the model's {@code run} prepares it (fitted to {@code imgsz x imgsz}; normalised for a segmentation model) and
 * the place is mapped from the image's pixels to the model's input ({@link Regions}). CAM layers default to the
 * task's: YOLOv8's stride-8 neck ({@link DetectionTarget#DEFAULT_YOLO_LAYER}), a U-Net's last decoder stage.
 */
public final class TargetedExplainer {
    /** Makes the explainer for the wrapped model, given the CAM layers the task defaults to. */
    @FunctionalInterface
    public interface Factory {
        Explainer create(Module model, List<String> defaultLayers);
    }

    /** One image explained: the image the map belongs to (at the model's input size) and the explanation. */
    public record Explained(Image shown, Explanation explanation) {}

    /** Where on the image: a box {@code x1, y1, x2, y2} in the image's pixels, or a mask image of the image's size. */
    public record Place(double[] box, Image mask, String maskName) {
        public Place {
            if ((box == null) == (mask == null)) {
                throw new IllegalArgumentException("a place is a box or a mask, not both or neither");
            }
            if (box != null && !Regions.isBox(box)) {
                throw LumenException.setting("box", "must be X1,Y1,X2,Y2 with X2 > X1 and Y2 > Y1");
            }
        }

        public static Place box(double[] xyxy) {
            return new Place(xyxy.clone(), null, null);
        }

        /** Every non-zero pixel of {@code mask} belongs to the place; {@code name} names it in errors. */
        public static Place mask(Image mask, String name) {
            return new Place(null, mask, name);
        }
    }

    private interface Prepare {
        float[] input(Image fitted, Image raw, Place place, int cls);
    }

    private final Explainer explainer;
    private final NDManager manager;
    private final ModelInfo info;
    private final Prepare prepare;
    private final boolean boxOnly;

    private TargetedExplainer(Explainer explainer, NDManager manager, ModelInfo info, boolean boxOnly,
            Prepare prepare) {
        this.explainer = explainer;
        this.manager = manager;
        this.info = info;
        this.boxOnly = boxOnly;
        this.prepare = prepare;
    }

    /**
     * Explains a YOLO detector's detections: the one overlapping a box most, its score for a class (or for its own
     * best class).
     *
     * @throws LumenException (setting {@code box}) for a detector that is not YOLO
     */
    public static TargetedExplainer of(Detector det, Factory factory) {
        DetectionTarget wrapped = new DetectionTarget(det.net());
        int s = det.info().imgsz();
        return new TargetedExplainer(factory.create(wrapped, List.of(DetectionTarget.DEFAULT_YOLO_LAYER)),
                det.manager(), det.info(), true, (fitted, raw, place, cls) -> {
                    wrapped.setTargets(new double[][] {Regions.scaleBox(place.box(), raw.width(), raw.height(), s)},
                            new int[] {cls});
                    return fitted.data();
                });
    }

    /** Explains a segmentation model's mean logit of a class over a region. */
    public static TargetedExplainer of(Segmenter seg, Factory factory) {
        SegmentationTarget wrapped = new SegmentationTarget(seg.net());
        ModelInfo info = seg.info();
        int s = info.imgsz();
        return new TargetedExplainer(factory.create(wrapped, List.of(SegmentationTarget.defaultLayer(seg.net()))),
                seg.manager(), info, false, (fitted, raw, place, cls) -> {
                    float[] v = fitted.data().clone();
                    Preprocess.normalise(v, info.channels(), s, info.mean(), info.std());
                    float[] mask = place.mask() != null
                            ? Regions.mask(place.mask(), raw.width(), raw.height(), s, place.maskName())
                            : Regions.boxMask(place.box(), raw.width(), raw.height(), s);
                    wrapped.setTargets(new float[][] {mask}, new int[] {cls});
                    return v;
                });
    }

    /** The explainer, as it was made for the wrapped model. */
    public Explainer explainer() {
        return explainer;
    }

    /**
     * {@code raw} (a decoded image of any size) explained at {@code place} for class {@code cls} (for a detector,
     * -1: the detection's own best class).
     *
     * @throws LumenException for a mask place given to a detector, or a mask that does not fit the image
     */
    public Explained explain(Image raw, Place place, int cls) {
        if (boxOnly && place.box() == null) {
            throw LumenException.setting("region", "a detector is explained at a box, not over a mask");
        }
        int s = info.imgsz();
        Image fitted = Preprocess.fit(raw, s, boxOnly ? 3 : info.channels());
        float[] input = prepare.input(fitted, raw, place, cls);
        try (NDManager scope = manager.newSubManager()) {
            Explanation e = explainer.explain(scope.create(input, new Shape(1, input.length / (s * s), s, s)),
                    new int[] {0}).get(0);
            return new Explained(fitted, e);
        }
    }
}
