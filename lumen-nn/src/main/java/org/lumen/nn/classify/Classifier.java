package org.lumen.nn.classify;

import org.lumen.nn.model.Preprocess;
import org.lumen.nn.model.ModelInfo;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.image.Image;
import org.lumen.nn.model.Classification;
import org.lumen.nn.model.LoadedModel;
import org.lumen.nn.model.ModelDir;
import org.lumen.nn.model.TaskLoader;
import org.lumen.nn.models.backbone.Backbone;
import org.lumen.nn.models.backbone.Backbones;
import org.lumen.nn.module.Module;
import org.lumen.nn.ops.InferenceLayout;
import org.lumen.nn.weights.Weights;

/**
 * An image classifier ready to run or train: a {@link Backbone}, the {@link NDManager} holding its weights,
 * and its {@link ModelInfo} (task {@code classify}). Closing it frees all native memory it holds.
 *
 * <p>Its model directory is a {@link ModelDir} ({@code model.json} and {@code weights.safetensors}, torchvision
 * names, float32), replaced atomically by {@link #save}. {@link #run} classifies decoded images of any size:
 * each is {@link #prepare prepared} ({@link Preprocess#fit} to {@code channels x imgsz x imgsz}, then normalised
 * with the model's mean and std) and the batch goes through in inference mode.
 */
public final class Classifier extends LoadedModel<Backbone> {
    public static final String TASK = "classify";
    public static final String MODEL_JSON = ModelDir.MODEL_JSON;
    public static final String WEIGHTS = ModelDir.WEIGHTS;

    private Classifier(NDManager manager, Backbone net, ModelInfo info) {
        super(manager, net, info);
    }

    @Override
    protected Module module() {
        return net();
    }

    /** A new model with freshly initialised weights (seeded). */
    public static Classifier create(ModelInfo info, long seed) {
        Backbone net = Backbones.create(info.arch(), info.numClasses(), info.channels());
        return initialised(new Classifier(NDManager.newBaseManager(), net, info), seed);
    }

    /**
     * A new model whose weights come from a safetensors file for transfer learning: a head of another class
     * count starts fresh, a first convolution of another channel count is adapted; everything else must fit.
     */
    public static Classifier transfer(ModelInfo info, Path weights, long seed) {
        return guarded(create(info, seed), c -> Weights.transfer(c.net(), weights, c.manager()));
    }

    /** A model built from weights alone ({@code arch}, weights, class count); the weights must fit exactly. */
    public static Classifier fromWeights(ModelInfo info, Path weights) {
        return withWeights(create(info, 0), weights);
    }

    /** Classifiers for {@link org.lumen.nn.model.Model#load} (registered in META-INF/services). */
    public static final class Loader extends TaskLoader<Classifier> {
        public Loader() {
            super(TASK, 1, "a classification model", Classifier::fromWeights);
        }
    }

    private static final Loader LOADER = new Loader();

    /** Loads a model directory written by {@link #save}. */
    public static Classifier load(Path dir) {
        return LOADER.load(dir);
    }

    /** Loads an opened model directory (at its info's size, perhaps {@link ModelDir#withImgsz changed}). */
    public static Classifier load(ModelDir dir) {
        return LOADER.load(dir);
    }

    /** One decoded image as this model takes it: normalised float32 CHW {@code [channels, imgsz, imgsz]}. */
    public float[] prepare(Image image) {
        return Preprocess.normalised(image, info());
    }

    /** Classifications of decoded images of any size, in one batch. */
    @Override
    public List<Classification> run(List<Image> images) {
        List<float[]> prepared = new ArrayList<>();
        for (Image im : images) {
            prepared.add(prepare(im));
        }
        return classify(prepared);
    }

    /** Classifications of {@link #prepare prepared} images, in one batch. */
    public List<Classification> classify(List<float[]> prepared) {
        int n = prepared.size();
        if (n == 0) {
            return List.of();
        }
        int per = prepared.get(0).length;
        float[] x = new float[n * per];
        for (int i = 0; i < n; i++) {
            System.arraycopy(prepared.get(i), 0, x, i * per, per);
        }
        List<Classification> out = new ArrayList<>();
        for (float[] l : logits(x, n)) {
            out.add(new Classification(l, Classification.softmax(l)));
        }
        return out;
    }

    /**
     * Logits for a batch in inference mode.
     *
     * @param batch normalised images, float32 C-order {@code [n, channels, imgsz, imgsz]}
     * @return {@code [n][numClasses]}
     */
    public float[][] logits(float[] batch, int n) {
        net().train(false);
        ModelInfo info = info();
        int s = info.imgsz();
        try (NDManager scope = manager().newSubManager()) {
            NDArray x = scope.create(batch, new Shape(n, info.channels(), s, s));
            // channels-last where verified: libtorch's oneDNN convolutions skip two layout reorders each
            return Classification.rows(net().apply(InferenceLayout.of(x)));
        }
    }

    /** Softmax of each row, computed in double precision. */
    public static float[][] softmax(float[][] logits) {
        float[][] p = new float[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            p[i] = Classification.softmax(logits[i]);
        }
        return p;
    }

    public List<String> classNames() {
        return info().classNames();
    }
}
