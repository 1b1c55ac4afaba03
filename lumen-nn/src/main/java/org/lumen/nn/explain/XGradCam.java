package org.lumen.nn.explain;

/**
 * XGrad-CAM (Fu et al. 2020): {@code w_c = sum_xy(dS/dA_c * A_c) / (sum_xy(A_c) + 1e-7)}, the eps as
 * pytorch-grad-cam's {@code XGradCAM}.
 */
final class XGradCam extends Cam {
    static final double EPS = 1e-7;

    XGradCam(Settings settings) {
        super(settings);
    }

    @Override
    protected double[][] weights(Capture a) {
        return a.perChannel(off -> {
            double sumGA = 0;
            for (int p = 0; p < a.hw; p++) {
                sumGA += (double) a.gradients[off + p] * a.activations[off + p];
            }
            return sumGA / (a.activationSum(off) + EPS);
        });
    }
}
