package org.lumen.nn.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.lumen.core.LumenException;
import org.lumen.nn.module.Module;

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
 * <p>Each method is one small class behind one hook, {@code attribute} (one image's signed map), as the
 * CAMs are behind {@link Cam}'s; {@link #methods()} lists them in a stable order and {@link #builder()} builds
 * one by name.
 *
 * <p>{@link Explanation#raw()} is the map after ReLU at input resolution (positive evidence),
 * {@link Explanation#heatmap()} that map min-max scaled; {@link Result#signed()} keeps the signed attribution.
 */
public abstract class Attribution implements Explainer {
    private static final Map<String, Function<AttributionBuilder, Attribution>> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put("saliency", Saliency::new);
        REGISTRY.put("inputxgradient", InputXGradient::new);
        REGISTRY.put("guided-backprop", GuidedBackprop::new);
        REGISTRY.put("deconvnet", Deconvnet::new);
        REGISTRY.put("guided-gradcam", GuidedGradCam::new);
        REGISTRY.put("integrated-gradients", IntegratedGradients::new);
        REGISTRY.put("smoothgrad", SmoothGrad::new);
        REGISTRY.put("occlusion", Occlusion::new);
        REGISTRY.put("lime", Lime::new);
        REGISTRY.put("kernelshap", KernelShap::new);
    }

    /** The method names {@link AttributionBuilder#setMethod} accepts, in a stable order (as {@link #methods()}). */
    public static final List<String> METHODS = List.copyOf(REGISTRY.keySet());

    /** One image's attribution: the class explained, its logit, and the signed map {@code [height * width]}. */
    public record Result(int target, float score, int height, int width, float[] signed, double delta) {}

    private final Module model;
    private final String method;
    /** The builder's settings, for the methods' own options (steps, samples, window, ...). */
    final AttributionBuilder settings;

    protected Attribution(AttributionBuilder b) {
        this.model = b.model;
        this.method = b.method;
        this.settings = b;
    }

    /** The method names {@link AttributionBuilder#setMethod} accepts, in a stable order. */
    public static List<String> methods() {
        return METHODS;
    }

    /** A builder of an attribution: model and method required, every option with its default. */
    public static AttributionBuilder builder() {
        return new AttributionBuilder();
    }

    /** Whether {@code method} (any case) names an attribution rather than a CAM. */
    public static boolean isAttribution(String method) {
        return REGISTRY.containsKey(method.toLowerCase(Locale.ROOT));
    }

    /** A new attribution of the builder's method (checked by the builder). */
    static Attribution create(AttributionBuilder b) {
        return REGISTRY.get(b.method).apply(b);
    }

    /** The method's canonical (lower-case) name. */
    public String method() {
        return method;
    }

    /** The layer guided-gradcam reads its Grad-CAM from; empty for the other methods. */
    public List<String> layers() {
        return List.of();
    }

    // ---- the hook -------------------------------------------------------------------------------------------

    /** One image's attribution: the signed map {@code [H * W]} and, where the method has one, its completeness gap. */
    abstract Result attribute(Pixels image);

    // ---- the template -----------------------------------------------------------------------------------------

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

    /**
     * The attributions of a normalised batch {@code [N, C, H, W]} for {@code targets} (null: top class).
     *
     * @throws LumenException for a target out of range (setting {@code target})
     */
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
        List<NDArray> paused = model.pauseParameterGradients();
        model.train(false);
        try (NDManager scope = batch.getManager().newSubManager()) {
            float[][] logits = Pixels.logits(model, scope, all, n, c, h, w);
            int[] t = Passes.resolveTargets(targets, logits);
            List<Result> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                float[] x = Arrays.copyOfRange(all, i * c * h * w, (i + 1) * c * h * w);
                out.add(attribute(new Pixels(model, method, scope, x, c, h, w, t[i], logits[i][t[i]])));
            }
            return out;
        } finally {
            model.train(wasTraining);
            Module.resumeParameterGradients(paused);
        }
    }
}
