package org.lumen.nn.explain;

/**
 * Guided backpropagation (Springenberg et al. 2015): {@code dF/dx} with every ReLU's backward pass letting the
 * gradient through only where the ReLU's input and the gradient are both positive; summed over channels (see
 * {@link Attribution} for which ReLUs are changed).
 */
class GuidedBackprop extends ChannelAttribution {
    GuidedBackprop(AttributionBuilder b) {
        super(b);
    }

    /** The backward rule of every ReLU. */
    ReluRule rule() {
        return ReluRule.GUIDED;
    }

    @Override
    final double[] perChannel(Pixels image, float[] x) {
        return fromGradient(image, x, rule(), (p, g) -> g);
    }
}
