package org.lumen.nn.explain;

/**
 * Element-wise Grad-CAM: {@code sum_c relu(dS/dA_c * A_c)}, pytorch-grad-cam's {@code GradCAMElementWise}
 * (HiResCAM with the ReLU inside the channel sum).
 */
final class GradCamElementWise extends Cam {
    GradCamElementWise(Settings settings) {
        super(settings);
    }

    @Override
    protected double[][] camImage(Capture a) {
        return sumOverChannels(a, (g, x) -> Math.max(g * x, 0));
    }
}
