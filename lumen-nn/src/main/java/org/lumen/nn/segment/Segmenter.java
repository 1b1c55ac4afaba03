package org.lumen.nn.segment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.lumen.core.LumenException;
import org.lumen.core.io.AtomicFiles;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.classify.ModelInfo;
import org.lumen.nn.models.segmentation.BackboneUNet;
import org.lumen.nn.models.segmentation.SegmentationModel;
import org.lumen.nn.models.segmentation.Segmentations;
import org.lumen.nn.train.SavedModel;
import org.lumen.nn.weights.Weights;

/**
 * A semantic-segmentation model ready to run or train: a {@link SegmentationModel}, the {@link NDManager}
 * holding its weights, and its {@link ModelInfo} (task {@code segment}; class 0 is the background). Its model
 * directory has the same two files as a classifier's. Closing it frees all native memory it holds.
 */
public final class Segmenter implements AutoCloseable, SavedModel {
    public static final String TASK = "segment";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final NDManager manager;
    private final SegmentationModel net;
    private final ModelInfo info;

    private Segmenter(NDManager manager, SegmentationModel net, ModelInfo info) {
        this.manager = manager;
        this.net = net;
        this.info = info;
    }

    /** A new model with freshly initialised weights (seeded). */
    public static Segmenter create(ModelInfo info, long seed) {
        SegmentationModel net = Segmentations.create(info.arch(), info.numClasses(), info.channels());
        NDManager manager = NDManager.newBaseManager();
        try {
            net.initialize(manager, seed);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        return new Segmenter(manager, net, info);
    }

    /**
     * A new model whose encoder starts from a classifier's safetensors weights (torchvision names, e.g. ImageNet
     * resnet18): the head is ignored and the first convolution adapted to the channel count. Only for
     * {@code unet-<backbone>}; the decoder starts fresh.
     */
    public static Segmenter transfer(ModelInfo info, Path weights, long seed) {
        Segmenter s = create(info, seed);
        try {
            if (!(s.net instanceof BackboneUNet b)) {
                throw new LumenException("--weights", "pretrained weights go into a backbone encoder; '" + info.arch()
                        + "' has none (use unet-resnet18 etc.)");
            }
            Weights.transferEncoder(b.encoder(), weights, s.manager);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** A model built from a full state dict; the weights must fit exactly. */
    public static Segmenter fromWeights(ModelInfo info, Path weights) {
        Segmenter s = create(info, 0);
        try {
            Weights.load(s.net, weights, s.manager);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The task a model directory's model.json declares ({@code classify}, {@code segment}). */
    public static String task(Path dir) {
        return readInfo(dir).task();
    }

    private static ModelInfo readInfo(Path dir) {
        return ModelInfo.read(dir);
    }

    /** Loads a model directory written by {@link #save}. */
    public static Segmenter load(Path dir) {
        ModelInfo info = readInfo(dir);
        if (!info.task().equals(TASK)) {
            throw new LumenException(dir.resolve(Classifier.MODEL_JSON), "task is '" + info.task()
                    + "', not a segmentation model");
        }
        return fromWeights(info, dir.resolve(Classifier.WEIGHTS));
    }

    @Override
    public void save(Path dir, AtomicFiles.FolderWriter extra) throws IOException {
        AtomicFiles.writeFolder(dir, tmp -> {
            Files.writeString(tmp.resolve(Classifier.MODEL_JSON), JSON.writeValueAsString(info.toJson()) + "\n");
            Weights.save(net, tmp.resolve(Classifier.WEIGHTS), java.util.Map.of("format", "pt", "arch", info.arch()));
            if (extra != null) {
                extra.write(tmp);
            }
        });
    }

    /**
     * Class logits for a batch in inference mode.
     *
     * @param batch normalised images, float32 C-order {@code [n, channels, s, s]} with s the model's imgsz
     * @return float32 C-order {@code [n, K, s, s]}
     */
    public float[] logits(float[] batch, int n) {
        net.train(false);
        int s = info.imgsz();
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(batch, new Shape(n, info.channels(), s, s));
            return net.apply(org.lumen.nn.ops.InferenceLayout.of(x)).toFloatArray(); // see InferenceLayout
        }
    }

    /**
     * The class of each pixel of one image at {@code outH x outW} (its original size): the logits at the model's
     * input size are resized there (bilinear, as {@code F.interpolate}), then the arg-max is taken.
     *
     * @param normalised one normalised image, {@code [channels, s, s]}
     */
    public byte[] predict(float[] normalised, int outH, int outW) {
        net.train(false);
        int s = info.imgsz();
        try (NDManager scope = manager.newSubManager()) {
            NDArray logits = net.apply(org.lumen.nn.ops.InferenceLayout.of(
                    scope.create(normalised, new Shape(1, info.channels(), s, s))));
            if (outH != s || outW != s) {
                logits = org.lumen.nn.ops.Functional.resizeBilinear(logits, outH, outW);
            }
            return classes(logits.toFloatArray(), 0, info.numClasses(), outH, outW);
        }
    }

    /**
     * The class of each pixel from logits {@code [K, h, w]} (one image, C order): the arg-max, or for K = 1
     * foreground where the logit is positive.
     */
    public static byte[] classes(float[] logits, int offset, int k, int h, int w) {
        int plane = h * w;
        byte[] out = new byte[plane];
        for (int p = 0; p < plane; p++) {
            if (k == 1) {
                out[p] = (byte) (logits[offset + p] > 0 ? 1 : 0);
                continue;
            }
            int best = 0;
            float max = logits[offset + p];
            for (int c = 1; c < k; c++) {
                float v = logits[offset + c * plane + p];
                if (v > max) {
                    max = v;
                    best = c;
                }
            }
            out[p] = (byte) best;
        }
        return out;
    }

    public SegmentationModel net() {
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
