package org.lumen.nn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.lumen.nn.module.Parameter;

/**
 * {@code torch.optim.AdamW} (decoupled weight decay): {@code w *= 1 - lr * wd; m = b1 m + (1 - b1) g;
 * v = b2 v + (1 - b2) g^2; w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}.
 */
public final class AdamW extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;

    public AdamW(NDManager parent, List<Map.Entry<String, Parameter>> params, double weightDecay) {
        this(parent, params, 0.9, 0.999, 1e-8, weightDecay);
    }

    public AdamW(NDManager parent, List<Map.Entry<String, Parameter>> params, double beta1, double beta2, double eps,
            double weightDecay) {
        super(parent, params, weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    @Override
    protected void update(String name, NDArray w, NDArray g, double lr, NDManager scope) {
        if (weightDecay != 0) {
            w.muli(1 - lr * weightDecay);
        }
        NDArray m = buffer(name + ".exp_avg", w);
        NDArray v = buffer(name + ".exp_avg_sq", w);
        // b m + (1 - b) g written as b (m - g) + g: in place, no parameter-sized temporary (PyTorch uses
        // add_(g, alpha=1 - b), which DJL does not expose). The two differ by rounding only.
        m.subi(g).muli(beta1).addi(g);
        NDArray g2 = temp(scope, g.square());
        v.subi(g2).muli(beta2).addi(g2);
        double bc1 = 1 - Math.pow(beta1, steps);
        double bc2 = 1 - Math.pow(beta2, steps);
        NDArray denom = temp(scope, v.sqrt()).divi(Math.sqrt(bc2)).addi(eps);
        w.subi(temp(scope, m.div(denom)).muli(lr / bc1));
    }
}
