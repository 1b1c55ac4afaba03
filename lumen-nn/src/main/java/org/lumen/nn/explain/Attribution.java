package org.lumen.nn.explain;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.lumen.core.LumenException;
import org.lumen.nn.module.Module;
import org.lumen.nn.module.Parameter;
import org.lumen.nn.ops.Functional;

/**
 * Attributions to input pixels, Captum's definitions, behind the {@link Explainer} contract:
 * <ul>
 *   <li>{@code saliency}: {@code |dF/dx|}, the largest over channels per pixel (Captum's {@code Saliency} with
 *       {@code abs=True}, reduced over channels by max as in the saliency-map paper);</li>
 *   <li>{@code inputxgradient}: {@code x * dF/dx}, summed over channels;</li>
 *   <li>{@code guided-backprop} (Springenberg et al. 2015) and {@code deconvnet} (Zeiler and Fergus 2014):
 *       {@code dF/dx} with every ReLU's backward rule changed: the gradient passes a ReLU only where its input
 *       and the gradient are both positive (guided), or ReLU is applied to the gradient whatever the input
 *       (deconvnet); summed over channels. As Captum's {@code GuidedBackprop} and {@code Deconvolution}, except
 *       that every ReLU the forward pass calls is changed, functional ones included (Captum changes only
 *       {@code nn.ReLU} modules; for the torchvision ResNets and VGGs that is the same set, for DenseNet ours also
 *       changes the final functional ReLU). ReLU6, SiLU and other activations keep their gradients;</li>
 *   <li>{@code guided-gradcam} (Selvaraju et al. 2017), as Captum's {@code GuidedGradCam}: the guided
 *       backpropagation times the layer's Grad-CAM map after ReLU and before normalisation, upsampled to the
 *       input by nearest-neighbour interpolation (Captum's default; source index {@code floor(dst * in / out)})
 *       and broadcast over channels. pytorch-grad-cam's example multiplies by the normalised, bilinearly resized
 *       heatmap instead: the same map up to a positive factor per image, but smoother. One layer;</li>
 *   <li>{@code integrated-gradients}: {@code (x - x0) * integral_0^1 dF/dx(x0 + a (x - x0)) da}, summed over
 *       channels, with {@code steps} Gauss-Legendre nodes on [0, 1] (Captum's default method) and baseline
 *       {@code x0 = 0} (the normalised mean image); reports the completeness gap
 *       {@code sum(attr) - (F(x) - F(x0))} per image;</li>
 *   <li>{@code smoothgrad}: the mean of the base method ({@code saliency}, {@code inputxgradient} or
 *       {@code integrated-gradients}) over {@code samples} copies of the input with Gaussian noise of standard
 *       deviation {@code noiseSd * (max(x) - min(x))} per image (Captum's {@code NoiseTunnel}, smoothgrad);</li>
 *   <li>{@code occlusion}: for each position of a {@code window x window} patch moved by {@code stride}, the
 *       drop {@code F(x) - F(x with the patch set to 0)} given to the patch's pixels, averaged over the patches
 *       covering each pixel (Captum's {@code Occlusion} with a zero baseline over all channels);</li>
 *   <li>{@code lime} and {@code kernelshap}: a linear surrogate over superpixels ({@link Surrogate}).</li>
 * </ul>
 * F is the target's pre-softmax logit. Gradients are taken with parameter gradients paused, the model in
 * evaluation mode, and no output hooks, so explaining changes neither the weights nor the caller's input.
 *
 * <p>{@link Explanation#raw()} is the map after ReLU at input resolution (positive evidence),
 * {@link Explanation#heatmap()} that map min-max scaled; {@link Result#signed()} keeps the signed attribution.
 */
public final class Attribution implements Explainer {
    public static final List<String> METHODS = List.of("saliency", "inputxgradient", "guided-backprop",
            "deconvnet", "guided-gradcam", "integrated-gradients", "smoothgrad", "occlusion", "lime", "kernelshap");

    /** The methods smoothgrad can average. */
    static final List<String> SMOOTHABLE = List.of("saliency", "inputxgradient", "guided-backprop", "deconvnet",
            "integrated-gradients");

    /** How the backward pass treats each ReLU (every {@link Functional#relu} call of the forward pass). */
    enum ReluRule {
        /** Autograd's own rule: the gradient where the input is positive. */
        PLAIN,
        /** Guided backpropagation: the gradient where the input is positive <em>and</em> the gradient is. */
        GUIDED,
        /** Deconvnet: ReLU of the gradient, whatever the input. */
        DECONVNET
    }

    /** One image's attribution. */
    public record Result(int target, float score, int height, int width, float[] signed, double delta) {}

    private final Module model;
    private final String method;
    private final String base;
    private final int steps;
    private final int samples;
    private final double noiseSd;
    private final int window;
    private final int stride;
    private final int segments;
    private final String superpixels;
    private final Cam gradCam;
    private final int batchSize;
    private final long seed;

    Attribution(AttributionBuilder b) {
        this.model = b.model;
        this.method = b.method;
        this.base = b.base;
        this.steps = b.steps;
        this.samples = b.samples;
        this.noiseSd = b.noiseSd;
        this.window = b.window;
        this.stride = b.stride;
        this.segments = b.segments;
        this.superpixels = b.superpixels;
        this.gradCam = !method.equals("guided-gradcam") ? null : Cam.builder().setModel(model).setMethod("gradcam")
                .optLayers(b.layers).optBatchSize(b.batchSize).build();
        this.batchSize = b.batchSize;
        this.seed = b.seed;
    }

    public static AttributionBuilder builder() {
        return new AttributionBuilder();
    }

    public static boolean isAttribution(String method) {
        return METHODS.contains(method.toLowerCase(Locale.ROOT));
    }

    public String method() {
        return method;
    }

    /** The layer guided-gradcam reads its Grad-CAM from; empty for the other methods. */
    public List<String> layers() {
        return gradCam == null ? List.of() : gradCam.settings().layerPaths();
    }

    @Override
    public List<Explanation> explain(NDArray batch, int[] targets) {
        return explanations(attribute(batch, targets));
    }

    /** Explanations of attributions: raw = ReLU of the signed map, heatmap = raw scaled to [0, 1]. */
    public static List<Explanation> explanations(List<Result> results) {
        List<Explanation> out = new ArrayList<>();
        for (Result r : results) {
            float[] raw = new float[r.signed().length];
            float max = 0;
            for (int p = 0; p < raw.length; p++) {
                raw[p] = Math.max(r.signed()[p], 0);
                max = Math.max(max, raw[p]);
            }
            float[] heat = new float[raw.length];
            for (int p = 0; p < raw.length; p++) {
                heat[p] = (float) (raw[p] / (max + Cam.SCALE_EPS));
            }
            out.add(new Explanation(r.target(), r.score(), r.height(), r.width(), raw, r.height(), r.width(), heat));
        }
        return out;
    }

    /** The attributions of a normalised batch {@code [N, C, H, W]} for {@code targets} (null: top class). */
    public List<Result> attribute(NDArray batch, int[] targets) {
        Shape shape = batch.getShape();
        if (shape.dimension() != 4 || batch.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("batch must be float32 [N, C, H, W], got " + shape);
        }
        int n = (int) shape.get(0);
        int c = (int) shape.get(1);
        int h = (int) shape.get(2);
        int w = (int) shape.get(3);
        if (targets != null && targets.length != n) {
            throw new IllegalArgumentException(targets.length + " targets for " + n + " images");
        }
        float[] all = batch.toFloatArray();
        boolean wasTraining = model.isTraining();
        List<NDArray> paused = pauseParameterGradients(model);
        model.train(false);
        try (NDManager scope = batch.getManager().newSubManager()) {
            float[][] logits = logits(scope, all, n, c, h, w);
            int k = logits[0].length;
            List<Result> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int t;
                if (targets == null) {
                    t = 0;
                    for (int j = 1; j < k; j++) {
                        if (logits[i][j] > logits[i][t]) {
                            t = j;
                        }
                    }
                } else if (targets[i] < 0 || targets[i] >= k) {
                    throw new LumenException("--target", "class " + targets[i] + " is out of range: the model has "
                            + k + " classes (0.." + (k - 1) + ")");
                } else {
                    t = targets[i];
                }
                float[] x = java.util.Arrays.copyOfRange(all, i * c * h * w, (i + 1) * c * h * w);
                out.add(one(scope, x, c, h, w, t, logits[i][t]));
            }
            return out;
        } finally {
            model.train(wasTraining);
            for (NDArray p : paused) {
                p.setRequiresGradient(true);
            }
        }
    }

    private Result one(NDManager scope, float[] x, int c, int h, int w, int t, float score) {
        int hw = h * w;
        return switch (method) {
            case "saliency", "inputxgradient", "guided-backprop", "deconvnet", "integrated-gradients" -> {
                double[] full = perChannel(scope, method, x, c, h, w, t);
                double delta = Double.NaN;
                if (method.equals("integrated-gradients")) {
                    double sum = 0;
                    for (double v : full) {
                        sum += v;
                    }
                    float f0 = logits(scope, new float[x.length], 1, c, h, w)[0][t];
                    delta = sum - (score - f0);
                }
                yield new Result(t, score, h, w, reduce(method, full, c, hw), delta);
            }
            case "smoothgrad" -> {
                double range = 0;
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                for (float v : x) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                range = hi - lo;
                double sd = noiseSd * range;
                SplittableRandom rnd = new SplittableRandom(seed);
                double[] mean = new double[c * hw];
                for (int s = 0; s < samples; s++) {
                    float[] noisy = x.clone();
                    for (int p = 0; p < noisy.length; p++) {
                        noisy[p] += (float) (sd * gaussian(rnd));
                    }
                    double[] a = perChannel(scope, base, noisy, c, h, w, t);
                    for (int p = 0; p < a.length; p++) {
                        mean[p] += a[p] / samples;
                    }
                }
                yield new Result(t, score, h, w, reduce(base, mean, c, hw), Double.NaN);
            }
            case "occlusion" -> new Result(t, score, h, w, occlusion(scope, x, c, h, w, t, score), Double.NaN);
            case "guided-gradcam" -> new Result(t, score, h, w, guidedGradCam(scope, x, c, h, w, t), Double.NaN);
            case "lime", "kernelshap" -> {
                int[] segOf = superpixels.equals("slic") ? Superpixels.slic(x, c, h, w, segments * segments, 0.1)
                        : Superpixels.grid(h, w, segments);
                yield new Result(t, score, h, w, Surrogate.fit(method.equals("kernelshap"), segOf,
                        Superpixels.count(segOf), x, c, h, w, t, samples, seed, batchSize,
                        (stack, n) -> logits(scope, stack, n, c, h, w)), Double.NaN);
            }
            default -> throw new IllegalStateException(method);
        };
    }

    /** The base method's attribution per channel and pixel ({@code [C * H * W]}), before any reduction. */
    private double[] perChannel(NDManager scope, String m, float[] x, int c, int h, int w, int t) {
        int size = c * h * w;
        double[] out = new double[size];
        switch (m) {
            case "saliency" -> {
                float[] g = gradients(scope, List.of(x), c, h, w, t, ReluRule.PLAIN).get(0);
                for (int p = 0; p < size; p++) {
                    out[p] = Math.abs(g[p]);
                }
            }
            case "guided-backprop", "deconvnet" -> {
                float[] g = gradients(scope, List.of(x), c, h, w, t,
                        m.equals("deconvnet") ? ReluRule.DECONVNET : ReluRule.GUIDED).get(0);
                for (int p = 0; p < size; p++) {
                    out[p] = g[p];
                }
            }
            case "inputxgradient" -> {
                float[] g = gradients(scope, List.of(x), c, h, w, t, ReluRule.PLAIN).get(0);
                for (int p = 0; p < size; p++) {
                    out[p] = (double) x[p] * g[p];
                }
            }
            case "integrated-gradients" -> {
                double[][] gl = gaussLegendre(steps);
                List<float[]> path = new ArrayList<>();
                for (int s = 0; s < steps; s++) {
                    float[] xs = new float[size];
                    for (int p = 0; p < size; p++) {
                        xs[p] = (float) (gl[0][s] * x[p]);
                    }
                    path.add(xs);
                }
                double[] avg = new double[size];
                for (int from = 0; from < steps; from += batchSize) {
                    List<float[]> chunk = path.subList(from, Math.min(steps, from + batchSize));
                    List<float[]> gs = gradients(scope, chunk, c, h, w, t, ReluRule.PLAIN);
                    for (int s = 0; s < gs.size(); s++) {
                        double wt = gl[1][from + s];
                        float[] g = gs.get(s);
                        for (int p = 0; p < size; p++) {
                            avg[p] += wt * g[p];
                        }
                    }
                }
                for (int p = 0; p < size; p++) {
                    out[p] = x[p] * avg[p];
                }
            }
            default -> throw new IllegalStateException(m);
        }
        return out;
    }

    /** Per pixel: max over channels for saliency, the sum otherwise. */
    private static float[] reduce(String m, double[] a, int c, int hw) {
        float[] out = new float[hw];
        for (int p = 0; p < hw; p++) {
            double v = m.equals("saliency") ? Double.NEGATIVE_INFINITY : 0;
            for (int ch = 0; ch < c; ch++) {
                double e = a[ch * hw + p];
                v = m.equals("saliency") ? Math.max(v, e) : v + e;
            }
            out[p] = (float) v;
        }
        return out;
    }

    private float[] occlusion(NDManager scope, float[] x, int c, int h, int w, int t, float score) {
        if (window > Math.min(h, w)) {
            throw new LumenException("--window", "must be at most the input size " + Math.min(h, w) + ", got " + window);
        }
        List<int[]> positions = new ArrayList<>();
        for (int y = 0; y + window <= h; y += stride) {
            for (int xx = 0; xx + window <= w; xx += stride) {
                positions.add(new int[] {y, xx});
            }
        }
        double[] sum = new double[h * w];
        int[] count = new int[h * w];
        for (int from = 0; from < positions.size(); from += batchSize) {
            List<int[]> chunk = positions.subList(from, Math.min(positions.size(), from + batchSize));
            float[] stack = new float[chunk.size() * x.length];
            for (int q = 0; q < chunk.size(); q++) {
                int[] pos = chunk.get(q);
                float[] occluded = x.clone();
                for (int ch = 0; ch < c; ch++) {
                    for (int y = pos[0]; y < pos[0] + window; y++) {
                        for (int xx = pos[1]; xx < pos[1] + window; xx++) {
                            occluded[(ch * h + y) * w + xx] = 0;
                        }
                    }
                }
                System.arraycopy(occluded, 0, stack, q * x.length, x.length);
            }
            float[][] l = logits(scope, stack, chunk.size(), c, h, w);
            for (int q = 0; q < chunk.size(); q++) {
                int[] pos = chunk.get(q);
                double drop = score - l[q][t];
                for (int y = pos[0]; y < pos[0] + window; y++) {
                    for (int xx = pos[1]; xx < pos[1] + window; xx++) {
                        sum[y * w + xx] += drop;
                        count[y * w + xx]++;
                    }
                }
            }
        }
        float[] out = new float[h * w];
        for (int p = 0; p < out.length; p++) {
            out[p] = count[p] == 0 ? 0 : (float) (sum[p] / count[p]);
        }
        return out;
    }

    private float[][] logits(NDManager parent, float[] x, int n, int c, int h, int w) {
        try (NDManager scope = parent.newSubManager()) {
            NDArray out = model.apply(scope.create(x, new Shape(n, c, h, w)));
            int k = (int) out.getShape().get(1);
            float[] flat = out.toFloatArray();
            float[][] r = new float[n][k];
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat, i * k, r[i], 0, k);
            }
            return r;
        }
    }

    /**
     * dF_t/dx for each input of the list, in one batched forward and backward, with the ReLUs' backward rule.
     *
     * @throws LumenException when the model's output does not depend differentiably on its input
     */
    private List<float[]> gradients(NDManager parent, List<float[]> inputs, int c, int h, int w, int t,
            ReluRule rule) {
        int n = inputs.size();
        int size = c * h * w;
        float[] stack = new float[n * size];
        for (int i = 0; i < n; i++) {
            System.arraycopy(inputs.get(i), 0, stack, i * size, size);
        }
        try (NDManager scope = parent.newSubManager()) {
            NDArray in = scope.create(stack, new Shape(n, c, h, w));
            in.setRequiresGradient(true);
            float[] g;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                GraphCuts cuts = new GraphCuts();
                NDArray out = rule == ReluRule.PLAIN ? model.apply(in) : Module.keepingActivations(() ->
                        Functional.withReluRule(pre -> modifiedRelu(cuts, pre, rule), () -> model.apply(in)));
                int k = (int) out.getShape().get(1);
                float[] hot = new float[n * k];
                for (int i = 0; i < n; i++) {
                    hot[i * k + t] = 1;
                }
                try {
                    cuts.backward(out.mul(scope.create(hot, out.getShape())).sum());
                } catch (ai.djl.engine.EngineException e) {
                    if (String.valueOf(e.getMessage()).contains("does not require grad")) {
                        throw noGradients(); // the output is cut off from every leaf
                    }
                    throw e;
                }
                NDArray grad = GraphCuts.gradientOrNull(in);
                if (grad == null) {
                    throw noGradients();
                }
                g = grad.toFloatArray();
            }
            List<float[]> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(java.util.Arrays.copyOfRange(g, i * size, (i + 1) * size));
            }
            return out;
        }
    }

    private LumenException noGradients() {
        return new LumenException("--method", method + " needs gradients, and this model's output does not depend"
                + " differentiably on its input; use a perturbation method (occlusion, lime, kernelshap)");
    }

    /**
     * A ReLU whose backward pass follows {@code rule}: the forward value is {@code relu(pre)}, the rest of the
     * network runs on a cut leaf, and on the backward pass ReLU of the leaf's gradient goes back through
     * {@code relu(pre)} (guided: autograd adds the {@code pre > 0} mask) or straight into {@code pre} (deconvnet).
     */
    private static NDArray modifiedRelu(GraphCuts cuts, NDArray pre, ReluRule rule) {
        NDArray y = Activation.relu(pre);
        return cuts.cut(rule == ReluRule.GUIDED ? y : pre, y, Activation::relu);
    }

    /** Guided backpropagation times the nearest-upsampled raw Grad-CAM map, per channel (see the class comment). */
    private float[] guidedGradCam(NDManager scope, float[] x, int c, int h, int w, int t) {
        float[] g = gradients(scope, List.of(x), c, h, w, t, ReluRule.GUIDED).get(0);
        Explanation cam;
        try (NDManager local = scope.newSubManager()) {
            cam = gradCam.explain(local.create(x, new Shape(1, c, h, w)), new int[] {t}).get(0);
        }
        int rh = cam.rawHeight();
        int rw = cam.rawWidth();
        float[] out = new float[h * w];
        for (int y = 0; y < h; y++) {
            int sy = Math.min(rh - 1, (int) Math.floor(y * (double) rh / h));
            for (int xx = 0; xx < w; xx++) {
                int sx = Math.min(rw - 1, (int) Math.floor(xx * (double) rw / w));
                float up = cam.raw()[sy * rw + sx];
                double sum = 0;
                for (int ch = 0; ch < c; ch++) {
                    sum += g[(ch * h + y) * w + xx];
                }
                out[y * w + xx] = (float) (sum * up);
            }
        }
        return out;
    }

    /** Gauss-Legendre nodes and weights on [0, 1]: {@code {nodes, weights}}, nodes increasing. */
    static double[][] gaussLegendre(int n) {
        double[] x = new double[n];
        double[] wt = new double[n];
        for (int i = 0; i < n; i++) {
            double z = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
            double dp = 0;
            for (int it = 0; it < 100; it++) {
                double p0 = 1;
                double p1 = z;
                for (int k = 2; k <= n; k++) {
                    double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
                    p0 = p1;
                    p1 = p2;
                }
                double pn = n == 1 ? z : p1;
                double pm = n == 1 ? 1 : p0;
                dp = n * (z * pn - pm) / (z * z - 1);
                double dz = pn / dp;
                z -= dz;
                if (Math.abs(dz) < 1e-15) {
                    break;
                }
            }
            // node on [-1, 1] -> [0, 1], in increasing order
            x[n - 1 - i] = (1 + z) / 2;
            wt[n - 1 - i] = 1 / ((1 - z * z) * dp * dp);
        }
        return new double[][] {x, wt};
    }

    private static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static List<NDArray> pauseParameterGradients(Module model) {
        List<NDArray> paused = new ArrayList<>();
        for (Parameter p : model.stateDict().values()) {
            if (p.isInitialized() && p.value().hasGradient()) {
                p.value().setRequiresGradient(false);
                paused.add(p.value());
            }
        }
        return paused;
    }
}
