package org.lumen.nn.explain;

/** LayerCAM (Jiang et al. 2021): {@code sum_c relu(dS/dA_c) * A_c}; pytorch-grad-cam's {@code LayerCAM}. */
final class LayerCam extends Cam {
    LayerCam(Settings settings) {
        super(settings);
    }

    @Override
    protected double[][] camImage(Capture a) {
        return sumOverChannels(a, (g, x) -> Math.max(g, 0) * x);
    }
}
