package org.lumen.nn.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.LumenException;
import org.lumen.core.image.Image;
import org.lumen.core.geometry.Rle;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.model.Preprocess;
import org.lumen.nn.model.Detections;
import org.lumen.nn.model.LoadedModel;
import org.lumen.nn.model.ModelDir;
import org.lumen.nn.model.TaskLoader;
import org.lumen.nn.models.DetectionNet;
import org.lumen.nn.models.InstanceSegmentationNet;
import org.lumen.nn.models.MaskDetections;
import org.lumen.nn.module.Module;
import org.lumen.nn.ops.Tiling;

/**
 * An object detector ready to run or train: a {@link DetectionNet}, the {@link NDManager} holding its weights
 * and its {@link ModelInfo} (task {@code detect}). Its model directory is a {@link ModelDir}, as a classifier's.
 *
 * <p>Images are prepared as for classification ({@link Preprocess}: stretch of physical values, channels,
 * resize to {@code imgsz x imgsz}, but not normalised: detection networks normalise inside); a detector that
 * {@link DetectionNet#keepsAspect resizes images itself} (R-CNN) gets each at its own size instead, as
 * torchvision's do. Boxes (and an instance model's masks) come back in the pixels of the original image.
 */
public final class Detector extends LoadedModel<DetectionNet> {
    public static final String TASK = "detect";
    public static final String MODEL_JSON = ModelDir.MODEL_JSON;
    public static final String WEIGHTS = ModelDir.WEIGHTS;
    /** Detections per image {@link #run} keeps at most (the CLI's {@code --max-det} default). */
    public static final int DEFAULT_MAX_DET = 300;

    private Detector(NDManager manager, DetectionNet net, ModelInfo info) {
        super(manager, net, info);
    }

    @Override
    protected Module module() {
        return net().module();
    }

    /** A new detector with freshly initialised weights (seeded). */
    public static Detector create(ModelInfo info, long seed) {
        if (info.channels() != 3) {
            throw LumenException.setting("channels", "detectors take 3 channels, got " + info.channels());
        }
        DetectionNet net = DetectionNets.create(info.arch(), info.numClasses(), info.imgsz());
        return initialised(new Detector(NDManager.newBaseManager(), net, info), seed);
    }

    /** A detector that starts from pretrained weights (see {@link DetectionNet#transfer}). */
    public static Detector transfer(ModelInfo info, Path weights, long seed, List<String> report) {
        return guarded(create(info, seed), d -> {
            String line = d.net().transfer(weights, d.manager());
            if (report != null) {
                report.add(line);
            }
        });
    }

    /** A detector built from weights alone; they must fit exactly. */
    public static Detector fromWeights(ModelInfo info, Path weights) {
        return withWeights(create(info, 0), weights);
    }

    /** Reads a model directory's {@code model.json} without loading weights. */
    public static ModelInfo info(Path dir) {
        return ModelInfo.read(dir);
    }

    /** Detectors for {@link org.lumen.nn.model.Model#load} (registered in META-INF/services). */
    public static final class Loader extends TaskLoader<Detector> {
        public Loader() {
            super(TASK, 3, "a detector", Detector::fromWeights);
        }
    }

    private static final Loader LOADER = new Loader();

    /** Loads a model directory written by {@link #save}. */
    public static Detector load(Path dir) {
        return LOADER.load(dir);
    }

    /** Loads an opened model directory (at its info's size, perhaps {@link ModelDir#withImgsz changed}). */
    public static Detector load(ModelDir dir) {
        return LOADER.load(dir);
    }

    /** {@link #run(List, double, int)} at the model's default confidence and {@link #DEFAULT_MAX_DET}. */
    @Override
    public List<Detections> run(List<Image> images) {
        return run(images, net().defaultConf(), DEFAULT_MAX_DET);
    }

    /**
     * Detections of decoded images of any size scoring at least {@code conf}, at most {@code maxDet} per image,
     * in each image's pixels; with masks for an instance-segmentation model.
     */
    public List<Detections> run(List<Image> images, double conf, int maxDet) {
        List<Detections> out = new ArrayList<>();
        if (segments()) {
            detectMasks(images, conf, maxDet).forEach(m -> out.add(Detections.of(m)));
        } else {
            detect(images, conf, maxDet).forEach(b -> out.add(Detections.of(b)));
        }
        return out;
    }

    /**
     * Detections of one image far larger than the model's size, the way survey images are searched: cut into
     * overlapping square tiles ({@link Tiling#grid}), each tile detected alone (scoring at least {@code conf}, at
     * most {@code maxDet} per tile), the tiles' boxes moved back into the image and the duplicates of the overlaps
     * merged by NMS ({@link Tiling.Options}); each survivor keeps its own tile's mask, placed in the whole image.
     * At most {@code maxDet} per tile survive, best first, in the image's pixels.
     */
    public Detections runTiled(Image image, Tiling.Options tiling, double conf, int maxDet) {
        List<Tiling.Tile> tiles = Tiling.grid(image.width(), image.height(), tiling.size(), tiling.overlap());
        List<Detections> perTile = new ArrayList<>();
        for (Tiling.Tile t : tiles) {
            perTile.add(run(List.of(Tiling.crop(image, t)), conf, maxDet).get(0));
        }
        int keep = maxDet * tiles.size();
        if (segments()) {
            List<MaskDetections> masked = perTile.stream().map(p -> new MaskDetections(p.boxes(), p.masks())).toList();
            return Detections.of(MaskDetections.merge(tiles, masked, tiling.mergeIou(), tiling.classAgnostic(),
                    image.height(), image.width()).first(keep));
        }
        Boxes merged = Tiling.merge(tiles, perTile.stream().map(Detections::boxes).toList(), tiling.mergeIou(),
                tiling.classAgnostic()).boxes();
        return Detections.of(merged.first(keep));
    }

    /**
     * Detections for prepared images (each {@code 3 x imgsz x imgsz} in [0, 1]), in the pixels of those
     * prepared images.
     */
    public List<Boxes> detectPrepared(List<float[]> images, double conf, int maxDet) {
        net().module().train(false);
        try (NDManager scope = manager().newSubManager()) {
            return net().detect(batch(scope, images), conf, maxDet);
        }
    }

    /**
     * Detections of prepared images, as {@link #detectPrepared(List, double, int)}, with (when {@code withMasks}
     * and the model segments) each image's mask maps kept until the result is closed, to be pasted at any size.
     */
    public Prepared detectPrepared(List<float[]> images, double conf, int maxDet, boolean withMasks) {
        if (!withMasks || !(net() instanceof InstanceSegmentationNet seg)) {
            return new Prepared(detectPrepared(images, conf, maxDet), null, null, null);
        }
        net().module().train(false);
        NDManager scope = manager().newSubManager();
        try {
            List<InstanceSegmentationNet.Masked> found = seg.detectMasks(batch(scope, images), conf, maxDet);
            return new Prepared(found.stream().map(InstanceSegmentationNet.Masked::boxes).toList(),
                    found.stream().map(InstanceSegmentationNet.Masked::probs).toList(), seg, scope);
        } catch (RuntimeException e) {
            scope.close();
            throw e;
        }
    }

    /** Detections of a batch of prepared images and, for a segmenting model, their mask maps (closed with it). */
    public record Prepared(List<Boxes> boxes, List<NDArray> probs, InstanceSegmentationNet seg, NDManager scope)
            implements AutoCloseable {
        /** Image {@code i}'s masks at {@code height x width}, its boxes already scaled to that size. */
        public List<Rle> paste(int i, Boxes scaled, int height, int width) {
            return seg.paste(probs.get(i), scaled, height, width);
        }

        @Override
        public void close() {
            if (scope != null) {
                scope.close();
            }
        }
    }

    private NDArray batch(NDManager scope, List<float[]> images) {
        int s = info().imgsz();
        float[] flat = new float[images.size() * 3 * s * s];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i), 0, flat, i * 3 * s * s, 3 * s * s);
        }
        return scope.create(flat, new Shape(images.size(), 3, s, s));
    }

    /** Whether this detector gives a mask per detection (Mask R-CNN). */
    public boolean segments() {
        return net() instanceof InstanceSegmentationNet;
    }

    /**
     * Detections with masks for decoded images of any size: boxes in each image's own pixels and each mask pasted
     * at the image's own size (the model's mask maps put into the rescaled boxes, as torchvision pastes into the
     * original image).
     */
    public List<MaskDetections> detectMasks(List<Image> images, double conf, int maxDet) {
        if (!(net() instanceof InstanceSegmentationNet seg)) {
            throw LumenException.setting("arch", info().arch() + " gives boxes, not masks");
        }
        net().module().train(false);
        List<MaskDetections> out = new ArrayList<>();
        for (Image im : images) {
            try (NDManager scope = manager().newSubManager()) {
                InstanceSegmentationNet.Masked found;
                Boxes b;
                if (net().keepsAspect()) {
                    found = seg.detectMasks(ownSize(scope, im), conf, maxDet).get(0);
                    b = found.boxes();
                } else {
                    found = seg.detectMasks(batch(scope, List.of(Preprocess.fit(im, info().imgsz(), 3).data())),
                            conf, maxDet).get(0);
                    b = scale(found.boxes(), (double) im.width() / info().imgsz(), (double) im.height() / info().imgsz());
                }
                out.add(new MaskDetections(b, seg.paste(found.probs(), b, im.height(), im.width())));
            }
        }
        return out;
    }

    /** One image at its own size, {@code [1, 3, H, W]} in [0, 1], for a detector that resizes it itself. */
    private NDArray ownSize(NDManager scope, Image im) {
        Image img = Preprocess.prepare(im, 3);
        return scope.create(img.data(), new Shape(1, 3, img.height(), img.width()));
    }

    /** Detections for decoded images of any size, boxes in each image's own pixels. */
    public List<Boxes> detect(List<Image> images, double conf, int maxDet) {
        if (net().keepsAspect()) {
            net().module().train(false);
            List<Boxes> out = new ArrayList<>();
            for (Image im : images) {
                try (NDManager scope = manager().newSubManager()) {
                    out.add(net().detect(ownSize(scope, im), conf, maxDet).get(0));
                }
            }
            return out;
        }
        List<float[]> prepared = new ArrayList<>();
        for (Image im : images) {
            prepared.add(Preprocess.fit(im, info().imgsz(), 3).data());
        }
        List<Boxes> out = detectPrepared(prepared, conf, maxDet);
        List<Boxes> scaled = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            scaled.add(scale(out.get(i), (double) images.get(i).width() / info().imgsz(),
                    (double) images.get(i).height() / info().imgsz()));
        }
        return scaled;
    }

    /** Boxes with x multiplied by {@code fx} and y by {@code fy}. */
    public static Boxes scale(Boxes b, double fx, double fy) {
        double[] xyxy = b.xyxy().clone();
        for (int i = 0; i < b.size(); i++) {
            xyxy[4 * i] *= fx;
            xyxy[4 * i + 1] *= fy;
            xyxy[4 * i + 2] *= fx;
            xyxy[4 * i + 3] *= fy;
        }
        return new Boxes(xyxy, b.labels(), b.scores());
    }
}
