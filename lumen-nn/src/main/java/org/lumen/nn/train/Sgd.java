package org.lumen.nn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.lumen.nn.module.Parameter;

/**
 * {@code torch.optim.SGD} with momentum, dampening 0, optional Nesterov and L2 weight decay:
 * {@code g += wd * w; buf = momentum * buf + g} (buf = g on the first step); {@code w -= lr * (nesterov ? g +
 * momentum * buf : buf)}.
 */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final boolean nesterov;

    public Sgd(NDManager parent, List<Map.Entry<String, Parameter>> params, double momentum, double weightDecay,
            boolean nesterov) {
        super(parent, params, weightDecay);
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @Override
    protected void update(String name, NDArray w, NDArray g, double lr, NDManager scope) {
        NDArray d = weightDecay != 0 ? g.add(temp(scope, w.mul(weightDecay))) : g;
        if (momentum != 0) {
            String key = name + ".momentum_buffer";
            boolean first = !state.containsKey(key);
            NDArray buf = buffer(key, w);
            if (first) {
                buf.addi(d);
            } else {
                buf.muli(momentum).addi(d);
            }
            d = nesterov ? d.add(temp(scope, buf.mul(momentum))) : buf;
        }
        w.subi(temp(scope, d.mul(lr)));
    }
}
