package org.lumen.nn.explain;

/**
 * Kernel SHAP (Lundberg and Lee 2017) over superpixels: as {@link Lime}, with the Shapley kernel and the all-kept
 * and none-kept coalitions pinned, so the coefficients sum to {@code F(x) - F(0)} ({@link Surrogate}).
 */
final class KernelShap extends Lime {
    KernelShap(AttributionBuilder b) {
        super(b);
    }

    @Override
    boolean shap() {
        return true;
    }
}
