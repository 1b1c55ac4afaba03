package org.lumen.nn.explain;

/**
 * Grad-CAM++ (Chattopadhyay et al. 2018), equation 19 with pytorch-grad-cam's constant: with {@code g = dS/dA},
 * {@code alpha = g^2 / (2 g^2 + sum_xy(A_c) g^3 + 1e-6)} where {@code g != 0} (0 elsewhere), and
 * {@code w_c = sum_xy relu(g) * alpha}. The eps matters where a channel's activations are weak.
 */
final class GradCamPlusPlus extends Cam {
    static final double EPS = 1e-6;

    GradCamPlusPlus(Settings settings) {
        super(settings);
    }

    @Override
    protected double[][] weights(Capture a) {
        return a.perChannel(off -> {
            double sumA = a.activationSum(off);
            double sum = 0;
            for (int p = 0; p < a.hw; p++) {
                double g = a.gradients[off + p];
                if (g > 0) { // relu(g) * alpha is 0 wherever g <= 0
                    double g2 = g * g;
                    sum += g * g2 / (2 * g2 + sumA * g2 * g + EPS);
                }
            }
            return sum;
        });
    }
}
