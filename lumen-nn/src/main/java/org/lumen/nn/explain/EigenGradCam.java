package org.lumen.nn.explain;

/**
 * Eigen-Grad-CAM: Eigen-CAM of {@code dS/dA * A} (class-discriminative), pytorch-grad-cam's {@code EigenGradCAM}.
 */
final class EigenGradCam extends Cam {
    EigenGradCam(Settings settings) {
        super(settings);
    }

    @Override
    protected double[][] camImage(Capture a) {
        return EigenCam.project(a, true);
    }
}
