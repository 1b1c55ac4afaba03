package org.lumen.nn.explain;

/** Input times gradient: {@code x * dF/dx}, summed over channels (Captum's {@code InputXGradient}). */
final class InputXGradient extends ChannelAttribution {
    InputXGradient(AttributionBuilder b) {
        super(b);
    }

    @Override
    double[] perChannel(Pixels image, float[] x) {
        float[] g = image.gradients(java.util.List.of(x), ReluRule.PLAIN).get(0);
        double[] out = new double[g.length];
        for (int p = 0; p < out.length; p++) {
            out[p] = (double) x[p] * g[p];
        }
        return out;
    }
}
