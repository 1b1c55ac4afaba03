package org.lumen.nn.explain;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.lumen.core.LumenException;
import org.lumen.core.Require;
import org.lumen.nn.model.Classification;
import org.lumen.nn.models.backbone.Backbone;
import org.lumen.nn.models.backbone.Backbones;
import org.lumen.nn.module.Module;
import org.lumen.nn.ops.Functional;

/**
 * The class activation map (CAM) family, as one template method in the shape of pytorch-grad-cam's
 * {@code BaseCAM}: each method overrides one hook, {@link #weights} (a weight per channel) or
 * {@link #camImage} (the whole map).
 *
 * <p>For a batch, {@link #explain} does, in this order:
 * <ol>
 *   <li>one forward pass in inference mode, capturing each target layer's output {@code A [N, C, h, w]}; for
 *       gradient methods the activation is detached and made a leaf that requires a gradient, the rest of the
 *       network runs on that leaf, and one backward pass of {@code sum_i logit[i, target_i]} (pre-softmax)
 *       fills {@code dS/dA}; with {@code counterfactual} the gradients are negated;</li>
 *   <li>per layer, the hook's map {@code cam[N, h, w]}, then {@code max(cam, 0)}: the <b>raw</b> map;</li>
 *   <li>per layer and image, pytorch-grad-cam's {@code scale_cam_image}: {@code m = raw - min(raw)},
 *       {@code m = m / (max(m) + 1e-7)}, then bilinear resize to the input's {@code H x W}
 *       ({@code align_corners=False}, as {@code cv2.resize});</li>
 *   <li>the mean over layers, {@code max(., 0)}, and {@code scale_cam_image} once more: the <b>heatmap</b>.</li>
 * </ol>
 * With several layers the raw map is the mean of the layers' raw maps, each bilinearly resized to the finest
 * layer's resolution. The caller's batch, the model's weights, its training mode and its parameters'
 * requires-gradient flags are as before afterwards; the target layers' output hooks are cleared.
 *
 * <p>Not thread-safe: one explanation at a time per model (the output hooks are the model's).
 */
public abstract class Cam implements Explainer {
    /** Constants of pytorch-grad-cam's {@code scale_cam_image}. */
    static final double SCALE_EPS = 1e-7;

    private static final Map<String, Function<Settings, Cam>> METHODS = new LinkedHashMap<>();

    static {
        METHODS.put("gradcam", GradCam::new);
        METHODS.put("gradcam++", GradCamPlusPlus::new);
        METHODS.put("xgradcam", XGradCam::new);
        METHODS.put("hirescam", HiResCam::new);
        METHODS.put("layercam", LayerCam::new);
        METHODS.put("gradcam-elementwise", GradCamElementWise::new);
        METHODS.put("eigencam", EigenCam::new);
        METHODS.put("eigengradcam", EigenGradCam::new);
        METHODS.put("scorecam", ScoreCam::new);
        METHODS.put("ablationcam", AblationCam::new);
    }

    /** What every method is built from; see {@link Builder}. */
    public record Settings(String method, Module model, List<String> layerPaths, boolean counterfactual,
            int batchSize) {}

    private final Settings settings;
    private final List<Module> layers = new ArrayList<>();

    protected Cam(Settings settings) {
        this.settings = settings;
        for (String path : settings.layerPaths()) {
            layers.add(settings.model().find(path));
        }
        if (settings.counterfactual() && !usesGradients()) {
            throw LumenException.setting("counterfactual", "negates gradients, and " + settings.method()
                    + " uses none; use a gradient method such as gradcam");
        }
    }

    /** The method names {@link Builder#setMethod} accepts, in a stable order. */
    public static List<String> methods() {
        return List.copyOf(METHODS.keySet());
    }

    public static Builder builder() {
        return new Builder();
    }

    public final Settings settings() {
        return settings;
    }

    // ---- the hooks ------------------------------------------------------------------------------------------

    /** Whether the method needs {@code dS/dA} (a backward pass). */
    protected boolean usesGradients() {
        return true;
    }

    /** One weight per channel and image, {@code [N][C]}; {@link #camImage} sums {@code w[c] * A[c]}. */
    protected double[][] weights(Capture a) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " overrides camImage instead");
    }

    /** The map before ReLU, {@code [N][h * w]}. The default is {@code sum_c weights[c] * A[c]}. */
    protected double[][] camImage(Capture a) {
        double[][] w = weights(a);
        double[][] cam = new double[a.n][a.hw];
        for (int i = 0; i < a.n; i++) {
            for (int c = 0; c < a.c; c++) {
                double wc = w[i][c];
                int off = a.offset(i, c);
                for (int p = 0; p < a.hw; p++) {
                    cam[i][p] += wc * a.activations[off + p];
                }
            }
        }
        return cam;
    }

    /** {@code sum_c f(g[c], A[c])} per position, for the element-wise methods: {@code [N][h * w]}. */
    protected static double[][] sumOverChannels(Capture a, java.util.function.DoubleBinaryOperator f) {
        double[][] cam = new double[a.n][a.hw];
        for (int i = 0; i < a.n; i++) {
            for (int c = 0; c < a.c; c++) {
                int off = a.offset(i, c);
                for (int p = 0; p < a.hw; p++) {
                    cam[i][p] += f.applyAsDouble(a.gradients[off + p], a.activations[off + p]);
                }
            }
        }
        return cam;
    }

    // ---- the template -----------------------------------------------------------------------------------------

    @Override
    public final List<Explanation> explain(NDArray batch, int[] targets) {
        Shape shape = batch.getShape();
        if (shape.dimension() != 4 || batch.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("batch must be float32 [N, C, H, W], got " + batch.getDataType()
                    + " " + shape);
        }
        int n = (int) shape.get(0);
        if (targets != null && targets.length != n) {
            throw new IllegalArgumentException(targets.length + " targets for " + n + " images");
        }
        Module model = settings.model();
        boolean wasTraining = model.isTraining();
        List<NDArray> paused = model.pauseParameterGradients();
        model.train(false);
        try (NDManager scope = batch.getManager().newSubManager()) {
            NDArray x = scope.create(batch.toFloatArray(), shape);
            Pass pass = capture(x, targets);
            int height = (int) shape.get(2);
            int width = (int) shape.get(3);
            List<float[][]> raws = new ArrayList<>();
            List<Capture> captures = new ArrayList<>();
            float[][] heat = new float[n][height * width];
            for (int j = 0; j < layers.size(); j++) {
                Capture a = pass.captures.get(j);
                double[][] cam = camImage(a);
                float[][] raw = new float[n][a.hw];
                for (int i = 0; i < n; i++) {
                    for (int p = 0; p < a.hw; p++) {
                        raw[i][p] = (float) Math.max(cam[i][p], 0);
                    }
                }
                raws.add(raw);
                captures.add(a);
                float[][] scaled = resize(scope, scale(raw), a.h, a.w, height, width);
                for (int i = 0; i < n; i++) {
                    for (int p = 0; p < scaled[i].length; p++) {
                        heat[i][p] += scaled[i][p] / layers.size();
                    }
                }
            }
            for (float[] h : heat) {
                for (int p = 0; p < h.length; p++) {
                    h[p] = Math.max(h[p], 0);
                }
            }
            heat = scale(heat);
            return assemble(scope, pass, raws, captures, heat, height, width);
        } finally {
            for (Module l : layers) {
                l.setOutputHook(null);
            }
            model.train(wasTraining);
            Module.resumeParameterGradients(paused);
        }
    }

    /**
     * The forward (and backward) passes: activations, gradients, targets and their logits. A gradient method on
     * several layers runs one pass per layer: a layer's activation is made a leaf so that its gradient can be
     * read, which cuts the graph there, so a layer nested inside another (layer3 inside the network before
     * layer4, or layer4.1 inside layer4) would get no gradient in a shared pass. The targets are fixed by the
     * first pass and reused.
     */
    private Pass capture(NDArray x, int[] requested) {
        int n = (int) x.getShape().get(0);
        int count = layers.size();
        NDArray[] acts = new NDArray[count];
        float[][] grads = new float[count][];
        List<List<Integer>> groups = new ArrayList<>();
        if (usesGradients()) {
            for (int j = 0; j < count; j++) {
                groups.add(List.of(j));
            }
        } else {
            List<Integer> all = new ArrayList<>();
            for (int j = 0; j < count; j++) {
                all.add(j);
            }
            groups.add(all);
        }
        float[][] logits = null;
        int[] targets = requested;
        for (List<Integer> group : groups) {
            Map<Integer, NDArray[]> seen = new LinkedHashMap<>();
            for (int j : group) {
                NDArray[] slot = new NDArray[1];
                seen.put(j, slot);
                String path = settings.layerPaths().get(j);
                layers.get(j).setOutputHook(out -> {
                    if (slot[0] != null) {
                        throw LumenException.setting("layer", "'" + path + "' runs more than once per forward pass"
                                + " (a shared module); pick the layer of one call site, e.g. its parent block");
                    }
                    Capture.checkSpatial(path, out.getShape());
                    if (!usesGradients()) {
                        slot[0] = out;
                        return out;
                    }
                    NDArray leaf = out.stopGradient();
                    leaf.setRequiresGradient(true);
                    slot[0] = leaf;
                    return leaf;
                });
            }
            try {
                if (usesGradients()) {
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray out = settings.model().apply(x);
                        logits = Classification.rows(out);
                        targets = Passes.resolveTargets(targets, logits);
                        NDArray oneHot = x.getManager().create(oneHot(targets, logits[0].length), out.getShape());
                        try {
                            gc.backward(out.mul(oneHot).sum());
                        } catch (ai.djl.engine.EngineException e) {
                            if (String.valueOf(e.getMessage()).contains("does not require grad")) {
                                throw noGradients(); // the output is cut off from the layer
                            }
                            throw e;
                        }
                        for (Map.Entry<Integer, NDArray[]> e : seen.entrySet()) {
                            NDArray leaf = e.getValue()[0];
                            if (leaf == null) {
                                continue; // reported below
                            }
                            NDArray grad = GraphCuts.gradientOrNull(leaf);
                            if (grad == null) {
                                throw noGradients();
                            }
                            float[] g = grad.toFloatArray();
                            if (settings.counterfactual()) {
                                for (int k = 0; k < g.length; k++) {
                                    g[k] = -g[k];
                                }
                            }
                            grads[e.getKey()] = g;
                        }
                    }
                } else {
                    logits = Classification.rows(settings.model().apply(x));
                    targets = Passes.resolveTargets(targets, logits);
                }
            } finally {
                for (int j : group) {
                    layers.get(j).setOutputHook(null);
                }
            }
            for (Map.Entry<Integer, NDArray[]> e : seen.entrySet()) {
                acts[e.getKey()] = e.getValue()[0];
            }
        }
        float[] scores = new float[n];
        for (int i = 0; i < n; i++) {
            scores[i] = logits[i][targets[i]];
        }
        Pass pass = new Pass(targets, scores);
        for (int j = 0; j < count; j++) {
            NDArray act = acts[j];
            if (act == null) {
                throw LumenException.setting("layer", "'" + settings.layerPaths().get(j)
                        + "' does not run in this model's forward pass");
            }
            pass.captures.add(new Capture(this, settings.layerPaths().get(j), layers.get(j), act.getShape(),
                    act.toFloatArray(), usesGradients() ? grads[j] : null, x, targets, scores));
        }
        return pass;
    }

    private LumenException noGradients() {
        return LumenException.setting("method", settings.method() + " needs gradients, and this model's output does not"
                + " depend differentiably on the layer; use eigencam, scorecam or ablationcam (no gradients)");
    }

    private static float[] oneHot(int[] targets, int k) {
        float[] h = new float[targets.length * k];
        for (int i = 0; i < targets.length; i++) {
            h[i * k + targets[i]] = 1;
        }
        return h;
    }

    /** pytorch-grad-cam's {@code scale_cam_image} without the resize: {@code (m - min) / (max(m - min) + 1e-7)}. */
    static float[][] scale(float[][] maps) {
        float[][] out = new float[maps.length][];
        for (int i = 0; i < maps.length; i++) {
            float min = Float.POSITIVE_INFINITY;
            for (float v : maps[i]) {
                min = Math.min(min, v);
            }
            float max = Float.NEGATIVE_INFINITY;
            out[i] = new float[maps[i].length];
            for (int p = 0; p < out[i].length; p++) {
                out[i][p] = maps[i][p] - min;
                max = Math.max(max, out[i][p]);
            }
            float div = (float) (SCALE_EPS + max);
            for (int p = 0; p < out[i].length; p++) {
                out[i][p] /= div;
            }
        }
        return out;
    }

    /** Bilinear resize ({@code align_corners=False}) of {@code [N][h*w]} maps to {@code [N][H*W]}. */
    static float[][] resize(NDManager scope, float[][] maps, int h, int w, int height, int width) {
        if (h == height && w == width) {
            return maps;
        }
        int n = maps.length;
        float[] flat = new float[n * h * w];
        for (int i = 0; i < n; i++) {
            System.arraycopy(maps[i], 0, flat, i * h * w, h * w);
        }
        try (NDManager local = scope.newSubManager()) {
            NDArray m = local.create(flat, new Shape(n, 1, h, w));
            float[] r = Functional.resizeBilinear(m, height, width).toFloatArray();
            float[][] out = new float[n][height * width];
            for (int i = 0; i < n; i++) {
                System.arraycopy(r, i * height * width, out[i], 0, height * width);
            }
            return out;
        }
    }

    private List<Explanation> assemble(NDManager scope, Pass pass, List<float[][]> raws, List<Capture> captures,
            float[][] heat, int height, int width) {
        Capture finest = captures.get(0);
        for (Capture a : captures) {
            if (a.hw > finest.hw) {
                finest = a;
            }
        }
        int n = heat.length;
        float[][] raw = new float[n][finest.hw];
        for (int j = 0; j < raws.size(); j++) {
            Capture a = captures.get(j);
            float[][] r = resize(scope, raws.get(j), a.h, a.w, finest.h, finest.w);
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < finest.hw; p++) {
                    raw[i][p] += r[i][p] / raws.size();
                }
            }
        }
        List<Explanation> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Explanation(pass.targets[i], pass.scores[i], finest.h, finest.w, raw[i], height, width,
                    heat[i]));
        }
        return List.copyOf(out);
    }

    /** What one pass produced for the whole batch. */
    private static final class Pass {
        final int[] targets;
        final float[] scores;
        final List<Capture> captures = new ArrayList<>();

        Pass(int[] targets, float[] scores) {
            this.targets = targets;
            this.scores = scores;
        }
    }

    // ---- building ---------------------------------------------------------------------------------------------

    /**
     * Builds a CAM explainer. {@code setModel} and {@code setMethod} are required; {@code optLayers} defaults to
     * the backbone's {@link Backbone#defaultCamLayer()}.
     */
    public static final class Builder {
        private Module model;
        private String method;
        private List<String> layers;
        private boolean counterfactual;
        private int batchSize = 16;

        /** The classifier: a module from {@code [N, C, H, W]} images to {@code [N, K]} pre-softmax logits. */
        public Builder setModel(Module model) {
            this.model = model;
            return this;
        }

        /** One of {@link #methods()}. */
        public Builder setMethod(String method) {
            this.method = method;
            return this;
        }

        /** Module paths ({@code layer4}, {@code features.denseblock3}); several layers' maps are averaged. */
        public Builder optLayers(List<String> layers) {
            this.layers = List.copyOf(layers);
            return this;
        }

        public Builder optLayers(String... layers) {
            return optLayers(List.of(layers));
        }

        /** Negate the gradients: where the evidence against the target class lies. Gradient methods only. */
        public Builder optCounterfactual(boolean counterfactual) {
            this.counterfactual = counterfactual;
            return this;
        }

        /** Masked or ablated forward passes run per batch by scorecam and ablationcam (default 16). */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = Require.atLeast("batch size", batchSize, 1);
            return this;
        }

        /** @throws LumenException for an unknown method or layer (naming the valid ones close to it) */
        public Cam build() {
            if (model == null || method == null) {
                throw new IllegalStateException("setModel and setMethod are required");
            }
            Function<Settings, Cam> factory = METHODS.get(method.toLowerCase(java.util.Locale.ROOT));
            if (factory == null) {
                List<String> all = new ArrayList<>(METHODS.keySet());
                all.addAll(Attribution.METHODS);
                throw LumenException.setting("method", "unknown method '" + method + "'"
                        + Backbones.suggest(method, all) + "; CAM methods: " + String.join(", ", METHODS.keySet())
                        + "; attributions: " + String.join(", ", Attribution.METHODS));
            }
            List<String> paths = layers;
            if (paths == null || paths.isEmpty()) {
                if (!(model instanceof Backbone b)) {
                    throw new IllegalStateException("optLayers is required for a model that is not a Backbone");
                }
                paths = List.of(b.defaultCamLayer());
            }
            for (String path : paths) {
                checkLayer(model, path);
            }
            return factory.apply(new Settings(method.toLowerCase(java.util.Locale.ROOT), model, paths,
                    counterfactual, batchSize));
        }

        private static void checkLayer(Module model, String path) {
            if (!path.isEmpty() && model.find(path) != null) {
                return;
            }
            List<String> names = new ArrayList<>(model.namedModules().keySet());
            names.remove("");
            String close = Backbones.suggest(path, names);
            String what = model instanceof Backbone b ? b.arch() : model.getClass().getSimpleName();
            throw LumenException.setting("layer", "no layer '" + path + "' in " + what + (close.isEmpty()
                    ? "; its top-level layers: " + String.join(", ", model.children().keySet()) : close));
        }
    }
}
