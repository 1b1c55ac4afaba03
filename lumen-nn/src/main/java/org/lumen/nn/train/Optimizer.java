package org.lumen.nn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lumen.nn.module.Parameter;
import org.lumen.nn.ops.Functional;

/**
 * Updates weights from their gradients with PyTorch's update rules, so a run here and the same run in PyTorch
 * follow the same trajectory. State (momentum buffers, moments) lives in the optimiser's own manager, keyed by
 * state-dict name, so it can be checkpointed with {@link #state()} and restored with {@link #restore}.
 */
public abstract class Optimizer implements AutoCloseable {
    protected final NDManager manager;
    protected final List<Map.Entry<String, Parameter>> params;
    protected final double weightDecay;
    protected final Map<String, NDArray> state = new LinkedHashMap<>();
    protected long steps;

    protected Optimizer(NDManager parent, List<Map.Entry<String, Parameter>> params, double weightDecay) {
        this.manager = parent.newSubManager();
        this.params = List.copyOf(params);
        this.weightDecay = weightDecay;
    }

    /** Marks the parameters as requiring gradients; call before the first forward pass of training. */
    public void attach() {
        for (Map.Entry<String, Parameter> p : params) {
            p.getValue().value().setRequiresGradient(true);
        }
    }

    /** Zeroes every gradient; call before each backward pass. */
    public void zeroGrad() {
        for (Map.Entry<String, Parameter> p : params) {
            NDArray v = p.getValue().value();
            if (v.hasGradient()) {
                Functional.zeroGrad(v);
            }
        }
    }

    /**
     * {@code torch.nn.utils.clip_grad_norm_}: when the gradients' global L2 norm exceeds {@code maxNorm}, scales
     * them all by {@code maxNorm / norm}. Returns the norm before clipping (NaN or infinite when a gradient is).
     */
    public double clipGradNorm(double maxNorm) {
        // every gradient handle is closed before returning: an open one raises the gradient's use count, and
        // libtorch then accumulates the next backward pass out of place into a fresh tensor, so each step would
        // keep one more copy of every gradient alive (a Faster R-CNN run grew by ~110 MB a step)
        try (NDManager handles = manager.newSubManager()) {
            double sum = 0;
            List<NDArray> grads = new java.util.ArrayList<>();
            for (Map.Entry<String, Parameter> p : params) {
                NDArray w = p.getValue().value();
                if (!w.hasGradient()) {
                    continue;
                }
                NDArray g = w.getGradient();
                g.attach(handles);
                NDArray sq = g.square().sum();
                sq.attach(handles);
                sum += sq.getFloat();
                grads.add(g);
            }
            double norm = Math.sqrt(sum);
            if (Double.isFinite(norm) && norm > maxNorm) {
                float scale = (float) (maxNorm / (norm + 1e-6));
                for (NDArray g : grads) {
                    g.muli(scale);
                }
            }
            return norm;
        }
    }

    /** One update of every parameter at learning rate {@code lr}. */
    public void step(double lr) {
        steps++;
        // as torch.optim's step: the updates are not recorded, whatever the calling thread's gradient mode
        Functional.noGrad(() -> {
            for (Map.Entry<String, Parameter> p : params) {
                NDArray w = p.getValue().value();
                try (NDManager scope = manager.newSubManager()) {
                    NDArray g = w.getGradient();
                    g.attach(scope); // temporaries derived from g are freed with the scope
                    update(p.getKey(), w, g, lr, scope);
                }
            }
        });
    }

    /** Updates {@code w} in place from gradient {@code g}; temporaries go to {@code scope}. */
    protected abstract void update(String name, NDArray w, NDArray g, double lr, NDManager scope);

    /**
     * Moves a temporary into {@code scope}. An op's result belongs to its first operand's manager, so a
     * temporary computed from a weight or a state buffer would otherwise live as long as the model.
     */
    protected static NDArray temp(NDManager scope, NDArray a) {
        a.attach(scope);
        return a;
    }

    /** A state buffer for a parameter, created as zeros on first use. */
    protected NDArray buffer(String key, NDArray like) {
        return state.computeIfAbsent(key, k -> {
            NDArray z = manager.zeros(like.getShape(), like.getDataType());
            z.setName(k);
            return z;
        });
    }

    /** Steps taken so far (PyTorch's per-parameter {@code step}, which is the same for every parameter here). */
    public long steps() {
        return steps;
    }

    /** The state to checkpoint: every buffer by {@code <param name>.<buffer>}. */
    public Map<String, NDArray> state() {
        return state;
    }

    /** Restores buffers and the step count saved by {@link #state()} and {@link #steps()}. */
    public void restore(Map<String, float[]> saved, long savedSteps) {
        for (Map.Entry<String, Parameter> p : params) {
            for (Map.Entry<String, float[]> s : saved.entrySet()) {
                if (s.getKey().startsWith(p.getKey() + ".") && s.getKey().length() > p.getKey().length() + 1
                        && s.getKey().indexOf('.', p.getKey().length() + 1) < 0) {
                    NDArray b = manager.create(s.getValue(), p.getValue().shape());
                    NDArray old = state.put(s.getKey(), b);
                    if (old != null) {
                        old.close();
                    }
                }
            }
        }
        this.steps = savedSteps;
    }

    @Override
    public void close() {
        manager.close();
    }
}
