package org.lumen.nn.explain;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lumen.core.LumenException;
import org.lumen.nn.module.Module;
import org.lumen.nn.ops.Functional;

/**
 * One image an {@link Attribution} explains, with the passes a method may run on it: the image's normalised values
 * {@code x} ({@code [C * H * W]}, C order), its shape, the explained class {@code target} and that class's logit
 * {@code score} on the unmodified image; {@link #logits} for forward passes of stacked images and
 * {@link #gradients} for input gradients, both in the explainer's scope.
 */
final class Pixels {
    final float[] x;
    final int c;
    final int h;
    final int w;
    /** {@code h * w}. */
    final int hw;
    final int target;
    final float score;
    private final Module model;
    private final String method;
    private final NDManager scope;

    Pixels(Module model, String method, NDManager scope, float[] x, int c, int h, int w, int target, float score) {
        this.model = model;
        this.method = method;
        this.scope = scope;
        this.x = x;
        this.c = c;
        this.h = h;
        this.w = w;
        this.hw = h * w;
        this.target = target;
        this.score = score;
    }

    /** The attribution {@code signed [H * W]} of this image, with its completeness gap (NaN: none). */
    Attribution.Result result(float[] signed, double delta) {
        return new Attribution.Result(target, score, h, w, signed, delta);
    }

    /** The manager the explainer's passes run in (freed when the batch is done). */
    NDManager scope() {
        return scope;
    }

    /** The logits {@code [n][K]} of {@code n} images stacked in {@code stack} ({@code [n * C * H * W]}). */
    float[][] logits(float[] stack, int n) {
        return logits(model, scope, stack, n, c, h, w);
    }

    /** The logits {@code [n][K]} of {@code model} on {@code n} stacked images of shape {@code [C, H, W]}. */
    static float[][] logits(Module model, NDManager parent, float[] stack, int n, int c, int h, int w) {
        try (NDManager local = parent.newSubManager()) {
            NDArray out = model.apply(local.create(stack, new Shape(n, c, h, w)));
            int k = (int) out.getShape().get(1);
            float[] flat = out.toFloatArray();
            float[][] r = new float[n][k];
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat, i * k, r[i], 0, k);
            }
            return r;
        }
    }

    /** {@code dF_target/dx} at {@code x} itself. */
    float[] gradient(ReluRule rule) {
        return gradients(List.of(x), rule).get(0);
    }

    /**
     * dF_target/dx for each input of the list (each {@code [C * H * W]}), in one batched forward and backward, with
     * the ReLUs' backward rule.
     *
     * @throws LumenException when the model's output does not depend differentiably on its input
     */
    List<float[]> gradients(List<float[]> inputs, ReluRule rule) {
        int n = inputs.size();
        int size = c * hw;
        float[] stack = new float[n * size];
        for (int i = 0; i < n; i++) {
            System.arraycopy(inputs.get(i), 0, stack, i * size, size);
        }
        try (NDManager local = scope.newSubManager()) {
            NDArray in = local.create(stack, new Shape(n, c, h, w));
            in.setRequiresGradient(true);
            float[] g;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                GraphCuts cuts = new GraphCuts();
                NDArray out = rule == ReluRule.PLAIN ? model.apply(in) : Module.keepingActivations(() ->
                        Functional.withReluRule(pre -> rule.relu(cuts, pre), () -> model.apply(in)));
                int k = (int) out.getShape().get(1);
                float[] hot = new float[n * k];
                for (int i = 0; i < n; i++) {
                    hot[i * k + target] = 1;
                }
                try {
                    cuts.backward(out.mul(local.create(hot, out.getShape())).sum());
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
                out.add(Arrays.copyOfRange(g, i * size, (i + 1) * size));
            }
            return out;
        }
    }

    private LumenException noGradients() {
        return LumenException.setting("method", method + " needs gradients, and this model's output does not depend"
                + " differentiably on its input; use a perturbation method (occlusion, lime, kernelshap)");
    }
}
