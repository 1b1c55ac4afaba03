package org.lumen.nn.explain;

/**
 * Grad-CAM (Selvaraju et al. 2017): each channel weighted by its gradient averaged over space,
 * {@code w_c = mean_xy dS/dA_c}, as pytorch-grad-cam's {@code GradCAM}.
 */
final class GradCam extends Cam {
    GradCam(Settings settings) {
        super(settings);
    }

    @Override
    protected double[][] weights(Capture a) {
        return a.perChannel(off -> a.gradientSum(off) / a.hw);
    }
}
