package org.lumen.nn.explain;

/** Input times gradient: {@code x * dF/dx}, summed over channels (Captum's {@code InputXGradient}). */
final class InputXGradient extends ChannelAttribution {
    InputXGradient(AttributionBuilder b) {
        super(b);
    }

    @Override
    double[] perChannel(Pixels image, float[] x) {
        return fromGradient(image, x, ReluRule.PLAIN, (p, g) -> (double) x[p] * g);
    }
}
