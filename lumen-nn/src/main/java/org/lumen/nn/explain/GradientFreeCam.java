package org.lumen.nn.explain;

/**
 * A CAM read from the target layer's activations alone, with no backward pass (Score-CAM, Ablation-CAM,
 * Eigen-CAM): it has no gradients to negate, so it refuses {@code optCounterfactual}.
 */
abstract class GradientFreeCam extends Cam {
    GradientFreeCam(Settings settings) {
        super(settings);
    }

    @Override
    protected final boolean usesGradients() {
        return false;
    }
}
