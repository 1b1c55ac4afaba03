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
        double[][] w = new double[a.n][a.c];
        for (int i = 0; i < a.n; i++) {
            for (int c = 0; c < a.c; c++) {
                double sum = 0;
                int off = a.offset(i, c);
                for (int p = 0; p < a.hw; p++) {
                    sum += a.gradients[off + p];
                }
                w[i][c] = sum / a.hw;
            }
        }
        return w;
    }
}
