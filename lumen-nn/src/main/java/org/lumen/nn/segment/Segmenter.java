package org.lumen.nn.segment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.LumenException;
import org.lumen.core.image.Image;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.model.Preprocess;
import org.lumen.nn.model.LoadedModel;
import org.lumen.nn.model.ModelDir;
import org.lumen.nn.model.TaskLoader;
import org.lumen.nn.model.Segmentation;
import org.lumen.nn.models.segmentation.BackboneUNet;
import org.lumen.nn.models.segmentation.SegmentationModel;
import org.lumen.nn.models.segmentation.Segmentations;
import org.lumen.nn.module.Module;
import org.lumen.nn.ops.Functional;
import org.lumen.nn.ops.InferenceLayout;
import org.lumen.nn.weights.Weights;

/**
 * A semantic-segmentation model ready to run or train: a {@link SegmentationModel}, the {@link NDManager}
 * holding its weights, and its {@link ModelInfo} (task {@code segment}; class 0 is the background). Its model
 * directory is a {@link ModelDir}, as a classifier's. Closing it frees all native memory it holds.
 *
 * <p>{@link #run} segments decoded images of any size: each is {@link #prepare prepared} (as a classifier's,
 * to {@code channels x imgsz x imgsz}, normalised), the logits are resized bilinearly to the image's own size
 * and the arg-max taken there.
 */
public final class Segmenter extends LoadedModel<SegmentationModel> {
    public static final String TASK = "segment";

    private Segmenter(NDManager manager, SegmentationModel net, ModelInfo info) {
        super(manager, net, info);
    }

    @Override
    protected Module module() {
        return net();
    }

    /** A new model with freshly initialised weights (seeded). */
    public static Segmenter create(ModelInfo info, long seed) {
        SegmentationModel net = Segmentations.create(info.arch(), info.numClasses(), info.channels());
        return initialised(new Segmenter(NDManager.newBaseManager(), net, info), seed);
    }

    /**
     * A new model whose encoder starts from a classifier's safetensors weights (torchvision names, e.g. ImageNet
     * resnet18): the head is ignored and the first convolution adapted to the channel count. Only for
     * {@code unet-<backbone>}; the decoder starts fresh.
     */
    public static Segmenter transfer(ModelInfo info, Path weights, long seed) {
        return guarded(create(info, seed), s -> {
            if (!(s.net() instanceof BackboneUNet b)) {
                throw LumenException.setting("weights", "pretrained weights go into a backbone encoder; '"
                        + info.arch() + "' has none (use unet-resnet18 etc.)");
            }
            Weights.transferEncoder(b.encoder(), weights, s.manager());
        });
    }

    /** A model built from a full state dict; the weights must fit exactly. */
    public static Segmenter fromWeights(ModelInfo info, Path weights) {
        return withWeights(create(info, 0), weights);
    }

    /** Segmenters for {@link org.lumen.nn.model.Model#load} (registered in META-INF/services). */
    public static final class Loader extends TaskLoader<Segmenter> {
        public Loader() {
            super(TASK, 2, "a segmentation model", Segmenter::fromWeights);
        }
    }

    private static final Loader LOADER = new Loader();

    /** Loads a model directory written by {@link #save}. */
    public static Segmenter load(Path dir) {
        return LOADER.load(dir);
    }

    /** Loads an opened model directory (at its info's size, perhaps {@link ModelDir#withImgsz changed}). */
    public static Segmenter load(ModelDir dir) {
        return LOADER.load(dir);
    }

    /** One decoded image as this model takes it: normalised float32 CHW {@code [channels, imgsz, imgsz]}. */
    public float[] prepare(Image image) {
        return Preprocess.normalised(image, info());
    }

    /** Class maps of decoded images of any size, each at its image's size; one forward pass for the batch. */
    @Override
    public List<Segmentation> run(List<Image> images) {
        List<Segmentation> out = new ArrayList<>();
        if (images.isEmpty()) {
            return out;
        }
        ModelInfo info = info();
        int s = info.imgsz();
        int per = info.channels() * s * s;
        float[] x = new float[images.size() * per];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(prepare(images.get(i)), 0, x, i * per, per);
        }
        net().train(false);
        try (NDManager scope = manager().newSubManager()) {
            NDArray logits = net().apply(InferenceLayout.of(scope.create(x, new Shape(images.size(),
                    info.channels(), s, s))));
            for (int i = 0; i < images.size(); i++) {
                Image im = images.get(i);
                NDArray one = images.size() == 1 ? logits : logits.get(i).expandDims(0);
                out.add(new Segmentation(classesAt(one, im.height(), im.width()), im.height(), im.width()));
            }
        }
        return out;
    }

    /**
     * Class logits for a batch in inference mode.
     *
     * @param batch normalised images, float32 C-order {@code [n, channels, s, s]} with s the model's imgsz
     * @return float32 C-order {@code [n, K, s, s]}
     */
    public float[] logits(float[] batch, int n) {
        net().train(false);
        ModelInfo info = info();
        int s = info.imgsz();
        try (NDManager scope = manager().newSubManager()) {
            NDArray x = scope.create(batch, new Shape(n, info.channels(), s, s));
            return net().apply(InferenceLayout.of(x)).toFloatArray(); // see InferenceLayout
        }
    }

    /**
     * The class of each pixel of one image at {@code outH x outW} (its original size): the logits at the model's
     * input size are resized there (bilinear, as {@code F.interpolate}), then the arg-max is taken.
     *
     * @param normalised one normalised image, {@code [channels, s, s]}
     */
    public byte[] predict(float[] normalised, int outH, int outW) {
        net().train(false);
        ModelInfo info = info();
        int s = info.imgsz();
        try (NDManager scope = manager().newSubManager()) {
            return classesAt(net().apply(InferenceLayout.of(scope.create(normalised, new Shape(1, info.channels(), s,
                    s)))), outH, outW);
        }
    }

    /** The class map of one image's logits {@code [1, K, s, s]}, resized to {@code outH x outW} first. */
    private byte[] classesAt(NDArray logits, int outH, int outW) {
        int s = info().imgsz();
        if (outH != s || outW != s) {
            logits = Functional.resizeBilinear(logits, outH, outW);
        }
        return classes(logits.toFloatArray(), 0, info().numClasses(), outH, outW);
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
}
