package org.lumen.nn.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** How the backward pass of an attribution treats each ReLU (every {@code Functional.relu} call of the forward). */
enum ReluRule {
    /** Autograd's own rule: the gradient where the input is positive. */
    PLAIN,
    /** Guided backpropagation: the gradient where the input is positive <em>and</em> the gradient is. */
    GUIDED,
    /** Deconvnet: ReLU of the gradient, whatever the input. */
    DECONVNET;

    /**
     * A ReLU whose backward pass follows this rule: the forward value is {@code relu(pre)}, the rest of the
     * network runs on a cut leaf, and on the backward pass ReLU of the leaf's gradient goes back through
     * {@code relu(pre)} (guided: autograd adds the {@code pre > 0} mask) or straight into {@code pre} (deconvnet).
     */
    NDArray relu(GraphCuts cuts, NDArray pre) {
        NDArray y = Activation.relu(pre);
        return cuts.cut(this == GUIDED ? y : pre, y, Activation::relu);
    }
}
