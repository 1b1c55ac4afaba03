package org.lumen.nn.classify;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.lumen.core.LumenException;
import org.lumen.core.io.AtomicFiles;
import org.lumen.nn.models.backbone.Backbone;
import org.lumen.nn.models.backbone.Backbones;
import org.lumen.nn.weights.Weights;

/**
 * An image classifier ready to run or train: a {@link Backbone}, the {@link NDManager} holding its weights,
 * and its {@link ModelInfo}. Closing it frees all native memory it holds.
 *
 * <p>A model directory holds {@code model.json} and {@code weights.safetensors} (torchvision names, float32);
 * {@link #save} replaces a directory atomically, so a crash never leaves a half-written model.
 */
public final class Classifier implements AutoCloseable, org.lumen.nn.train.SavedModel {
    public static final String MODEL_JSON = "model.json";
    public static final String WEIGHTS = "weights.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final NDManager manager;
    private final Backbone net;
    private final ModelInfo info;

    private Classifier(NDManager manager, Backbone net, ModelInfo info) {
        this.manager = manager;
        this.net = net;
        this.info = info;
    }

    /** A new model with freshly initialised weights (seeded). */
    public static Classifier create(ModelInfo info, long seed) {
        Backbone net = Backbones.create(info.arch(), info.numClasses(), info.channels());
        NDManager manager = NDManager.newBaseManager();
        try {
            net.initialize(manager, seed);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        return new Classifier(manager, net, info);
    }

    /**
     * A new model whose weights come from a safetensors file for transfer learning: a head of another class
     * count starts fresh, a first convolution of another channel count is adapted; everything else must fit.
     */
    public static Classifier transfer(ModelInfo info, Path weights, long seed) {
        Classifier c = create(info, seed);
        try {
            Weights.transfer(c.net, weights, c.manager);
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** A model built from weights alone ({@code --arch A --weights W --classes K}); the weights must fit exactly. */
    public static Classifier fromWeights(ModelInfo info, Path weights) {
        Classifier c = create(info, 0);
        try {
            Weights.load(c.net, weights, c.manager);
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Loads a model directory written by {@link #save}. */
    public static Classifier load(Path dir) {
        ModelInfo info = ModelInfo.read(dir);
        if (!info.task().equals("classify")) {
            throw new LumenException(dir.resolve(MODEL_JSON), "task is '" + info.task() + "', not a classification model");
        }
        return fromWeights(info, dir.resolve(WEIGHTS));
    }

    /** Writes {@code dir} (model.json + weights.safetensors, plus whatever {@code extra} adds) atomically. */
    @Override
    public void save(Path dir, AtomicFiles.FolderWriter extra) throws IOException {
        AtomicFiles.writeFolder(dir, tmp -> {
            Files.writeString(tmp.resolve(MODEL_JSON), JSON.writeValueAsString(info.toJson()) + "\n");
            Weights.save(net, tmp.resolve(WEIGHTS), java.util.Map.of("format", "pt", "arch", info.arch()));
            if (extra != null) {
                extra.write(tmp);
            }
        });
    }

    /**
     * Logits for a batch in inference mode.
     *
     * @param batch normalised images, float32 C-order {@code [n, channels, imgsz, imgsz]}
     * @return {@code [n][numClasses]}
     */
    public float[][] logits(float[] batch, int n) {
        net.train(false);
        int s = info.imgsz();
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(batch, new Shape(n, info.channels(), s, s));
            // channels-last where verified: libtorch's oneDNN convolutions skip two layout reorders each
            float[] flat = net.apply(org.lumen.nn.ops.InferenceLayout.of(x)).toFloatArray();
            int k = info.numClasses();
            float[][] out = new float[n][k];
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat, i * k, out[i], 0, k);
            }
            return out;
        }
    }

    /** Softmax of each row, computed in double precision. */
    public static float[][] softmax(float[][] logits) {
        float[][] p = new float[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (float v : logits[i]) {
                max = Math.max(max, v);
            }
            double sum = 0;
            double[] e = new double[logits[i].length];
            for (int j = 0; j < e.length; j++) {
                e[j] = Math.exp(logits[i][j] - max);
                sum += e[j];
            }
            p[i] = new float[e.length];
            for (int j = 0; j < e.length; j++) {
                p[i][j] = (float) (e[j] / sum);
            }
        }
        return p;
    }

    public Backbone net() {
        return net;
    }

    public NDManager manager() {
        return manager;
    }

    public ModelInfo info() {
        return info;
    }

    public List<String> classNames() {
        return info.classNames();
    }

    @Override
    public void close() {
        manager.close();
    }
}
