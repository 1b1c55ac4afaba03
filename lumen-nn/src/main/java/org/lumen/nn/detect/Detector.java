package org.lumen.nn.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lumen.core.LumenException;
import org.lumen.core.image.Image;
import org.lumen.core.io.AtomicFiles;
import org.lumen.core.geometry.Rle;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.classify.ModelInfo;
import org.lumen.nn.classify.Preprocess;
import org.lumen.nn.models.DetectionNet;
import org.lumen.nn.models.InstanceSegmentationNet;
import org.lumen.nn.models.MaskDetections;
import org.lumen.nn.weights.Weights;

/**
 * An object detector ready to run or train: a {@link DetectionNet}, the {@link NDManager} holding its weights
 * and its {@link ModelInfo} (task {@code detect}). Model directories are the classifier's: {@code model.json}
 * and {@code weights.safetensors}, replaced atomically.
 *
 * <p>Images are prepared as for classification ({@link Preprocess}: stretch of physical values, channels,
 * resize to {@code imgsz x imgsz}); a detector that {@link DetectionNet#keepsAspect resizes images itself}
 * (R-CNN) gets each at its own size instead, as torchvision's do. Boxes come back in the pixels of the original
 * image.
 */
public final class Detector implements AutoCloseable, org.lumen.nn.train.SavedModel {
    public static final String MODEL_JSON = "model.json";
    public static final String WEIGHTS = "weights.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final NDManager manager;
    private final DetectionNet net;
    private final ModelInfo info;

    private Detector(NDManager manager, DetectionNet net, ModelInfo info) {
        this.manager = manager;
        this.net = net;
        this.info = info;
    }

    /** A new detector with freshly initialised weights (seeded). */
    public static Detector create(ModelInfo info, long seed) {
        if (info.channels() != 3) {
            throw new LumenException("--channels", "detectors take 3 channels, got " + info.channels());
        }
        DetectionNet net = DetectionNets.create(info.arch(), info.numClasses(), info.imgsz());
        NDManager manager = NDManager.newBaseManager();
        try {
            net.module().initialize(manager, seed);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        return new Detector(manager, net, info);
    }

    /** A detector that starts from pretrained weights (see {@link DetectionNet#transfer}). */
    public static Detector transfer(ModelInfo info, Path weights, long seed, List<String> report) {
        Detector d = create(info, seed);
        try {
            String line = d.net.transfer(weights, d.manager);
            if (report != null) {
                report.add(line);
            }
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /** A detector built from weights alone; they must fit exactly. */
    public static Detector fromWeights(ModelInfo info, Path weights) {
        Detector d = create(info, 0);
        try {
            Weights.load(d.net.module(), weights, d.manager);
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /** Reads a model directory's {@code model.json} without loading weights. */
    public static ModelInfo info(Path dir) {
        return ModelInfo.read(dir);
    }

    /** Loads a model directory written by {@link #save}. */
    public static Detector load(Path dir) {
        ModelInfo info = info(dir);
        if (!info.task().equals("detect")) {
            throw new LumenException(dir.resolve(MODEL_JSON), "task is '" + info.task() + "', not a detector");
        }
        return fromWeights(info, dir.resolve(WEIGHTS));
    }

    /** Writes {@code dir} atomically: model.json, weights.safetensors and whatever {@code extra} adds. */
    @Override
    public void save(Path dir, AtomicFiles.FolderWriter extra) throws IOException {
        AtomicFiles.writeFolder(dir, tmp -> {
            Files.writeString(tmp.resolve(MODEL_JSON), JSON.writeValueAsString(info.toJson()) + "\n");
            Weights.save(net.module(), tmp.resolve(WEIGHTS), Map.of("format", "pt", "arch", info.arch()));
            if (extra != null) {
                extra.write(tmp);
            }
        });
    }

    /**
     * Detections for prepared images (each {@code 3 x imgsz x imgsz} in [0, 1]), in the pixels of those
     * prepared images.
     */
    public List<Boxes> detectPrepared(List<float[]> images, double conf, int maxDet) {
        net.module().train(false);
        try (NDManager scope = manager.newSubManager()) {
            return net.detect(batch(scope, images), conf, maxDet);
        }
    }

    /**
     * Detections of prepared images, as {@link #detectPrepared(List, double, int)}, with (when {@code withMasks}
     * and the model segments) each image's mask maps kept until the result is closed, to be pasted at any size.
     */
    public Prepared detectPrepared(List<float[]> images, double conf, int maxDet, boolean withMasks) {
        if (!withMasks || !(net instanceof InstanceSegmentationNet seg)) {
            return new Prepared(detectPrepared(images, conf, maxDet), null, null, null);
        }
        net.module().train(false);
        NDManager scope = manager.newSubManager();
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
        int s = info.imgsz();
        float[] flat = new float[images.size() * 3 * s * s];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i), 0, flat, i * 3 * s * s, 3 * s * s);
        }
        return scope.create(flat, new Shape(images.size(), 3, s, s));
    }

    /** Whether this detector gives a mask per detection (Mask R-CNN). */
    public boolean segments() {
        return net instanceof InstanceSegmentationNet;
    }

    /**
     * Detections with masks for decoded images of any size: boxes in each image's own pixels and each mask pasted
     * at the image's own size (the model's mask maps put into the rescaled boxes, as torchvision pastes into the
     * original image).
     */
    public List<MaskDetections> detectMasks(List<Image> images, double conf, int maxDet) {
        if (!(net instanceof InstanceSegmentationNet seg)) {
            throw new LumenException("--arch", info.arch() + " gives boxes, not masks");
        }
        net.module().train(false);
        List<MaskDetections> out = new ArrayList<>();
        for (Image im : images) {
            try (NDManager scope = manager.newSubManager()) {
                InstanceSegmentationNet.Masked found;
                Boxes b;
                if (net.keepsAspect()) {
                    found = seg.detectMasks(ownSize(scope, im), conf, maxDet).get(0);
                    b = found.boxes();
                } else {
                    found = seg.detectMasks(batch(scope, List.of(Preprocess.fit(im, info.imgsz(), 3).data())),
                            conf, maxDet).get(0);
                    b = scale(found.boxes(), (double) im.width() / info.imgsz(), (double) im.height() / info.imgsz());
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
        if (net.keepsAspect()) {
            net.module().train(false);
            List<Boxes> out = new ArrayList<>();
            for (Image im : images) {
                try (NDManager scope = manager.newSubManager()) {
                    out.add(net.detect(ownSize(scope, im), conf, maxDet).get(0));
                }
            }
            return out;
        }
        List<float[]> prepared = new ArrayList<>();
        for (Image im : images) {
            prepared.add(Preprocess.fit(im, info.imgsz(), 3).data());
        }
        List<Boxes> out = detectPrepared(prepared, conf, maxDet);
        List<Boxes> scaled = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            scaled.add(scale(out.get(i), (double) images.get(i).width() / info.imgsz(),
                    (double) images.get(i).height() / info.imgsz()));
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

    public DetectionNet net() {
        return net;
    }

    public NDManager manager() {
        return manager;
    }

    public ModelInfo info() {
        return info;
    }

    @Override
    public void close() {
        manager.close();
    }
}
