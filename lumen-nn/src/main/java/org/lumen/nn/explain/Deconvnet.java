package org.lumen.nn.explain;

/**
 * Deconvnet (Zeiler and Fergus 2014): as {@link GuidedBackprop}, but each ReLU's backward pass applies ReLU to the
 * gradient whatever the ReLU's input (Captum's {@code Deconvolution}).
 */
final class Deconvnet extends GuidedBackprop {
    Deconvnet(AttributionBuilder b) {
        super(b);
    }

    @Override
    ReluRule rule() {
        return ReluRule.DECONVNET;
    }
}
