package org.lumen.nn.explain;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.lumen.nn.ops.Functional;

/**
 * The autograd graph of one forward pass cut into pieces at chosen tensors, and the backward pass that chains the
 * pieces again. libtorch keeps no gradient for a tensor inside the graph, and DJL offers no custom backward
 * functions; so where an explainer needs a gradient (a CAM's layer) or must change one (guided backpropagation's
 * ReLU), the forward pass continues from a detached <em>leaf</em> copy, which does get a gradient. The backward
 * pass then visits the cuts from last to first and sends each leaf's gradient, through an optional rule, into the
 * graph below the cut. Since every consumer of a leaf comes later in the forward pass than the leaf itself, each
 * leaf's gradient is complete when it is visited, so nested cuts (a CAM on {@code layer3} and {@code layer4}
 * together) get the same gradients as an uncut graph.
 *
 * <p>Use within one {@code GradientCollector}; the graph is kept between the partial passes (shared nodes such as a
 * max-pool feeding a residual block's two branches are traversed more than once).
 */
final class GraphCuts {
    private record Cut(NDArray below, NDArray leaf, UnaryOperator<NDArray> rule) {}

    private final List<Cut> cuts = new ArrayList<>();

    /**
     * A leaf with {@code value}'s values that requires a gradient, for the rest of the forward pass to use. On the
     * backward pass its gradient, passed through {@code rule} (null: unchanged), is back-propagated from
     * {@code below} (a tensor of the same shape, in the graph before the cut; usually {@code value} itself).
     */
    NDArray cut(NDArray below, NDArray value, UnaryOperator<NDArray> rule) {
        NDArray leaf = value.stopGradient();
        leaf.setRequiresGradient(true);
        cuts.add(new Cut(below, leaf, rule));
        return leaf;
    }

    /** Back-propagates {@code loss} (a scalar), then every cut from the last to the first. */
    void backward(NDArray loss) {
        Functional.backward(loss, loss.onesLike());
        for (int j = cuts.size() - 1; j >= 0; j--) {
            Cut c = cuts.get(j);
            NDArray g = gradientOrNull(c.leaf);
            if (g == null) {
                continue; // the leaf did not reach the loss
            }
            try {
                Functional.backward(c.below, c.rule == null ? g : c.rule.apply(g));
            } catch (ai.djl.engine.EngineException e) {
                // nothing before this cut asks for a gradient (libtorch: "does not require grad"); DJL's
                // hasGradient() cannot tell, since it reports false for every non-leaf tensor
                if (!String.valueOf(e.getMessage()).contains("does not require grad")) {
                    throw e;
                }
            }
        }
    }

    /** A leaf's accumulated gradient, or null when no backward pass has reached it. */
    static NDArray gradientOrNull(NDArray leaf) {
        try {
            NDArray g = leaf.getGradient();
            return g == null || g.getShape().size() != leaf.getShape().size() ? null : g;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
