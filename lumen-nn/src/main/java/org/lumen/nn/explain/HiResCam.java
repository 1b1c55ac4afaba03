package org.lumen.nn.explain;

/**
 * HiResCAM (Draelos and Carin 2020): {@code sum_c dS/dA_c * A_c}, element-wise, so the map is faithful to the
 * model's computation where the head is a global average pool; pytorch-grad-cam's {@code HiResCAM}.
 */
final class HiResCam extends Cam {
    HiResCam(Settings settings) {
        super(settings);
    }

    @Override
    protected double[][] camImage(Capture a) {
        return sumOverChannels(a, (g, x) -> g * x);
    }
}
