package org.lumen.nn.explain;

/**
 * Eigen-CAM (Muhammad and Yeasin 2020): the activations' projection on their first principal component
 * ({@link Projection}); no gradients, so the map does not depend on the target class.
 */
final class EigenCam extends GradientFreeCam {
    EigenCam(Settings settings) {
        super(settings);
    }

    @Override
    protected double[][] camImage(Capture a) {
        return project(a, false);
    }

    /** The first-component projection per image of {@code A} (or of {@code dS/dA * A}). */
    static double[][] project(Capture a, boolean timesGradient) {
        double[][] cam = new double[a.n][];
        for (int i = 0; i < a.n; i++) {
            double[][] x = new double[a.hw][a.c];
            for (int c = 0; c < a.c; c++) {
                int off = a.offset(i, c);
                for (int p = 0; p < a.hw; p++) {
                    x[p][c] = timesGradient ? (double) a.gradients[off + p] * a.activations[off + p]
                            : a.activations[off + p];
                }
            }
            cam[i] = Projection.firstComponent(x);
        }
        return cam;
    }
}
