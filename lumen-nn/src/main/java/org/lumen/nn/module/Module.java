package org.lumen.nn.module;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A piece of a network with named children and named parameters, laid out exactly as torchvision lays out the
 * same model, so that {@link #stateDict()} names ({@code layer1.0.conv1.weight}) are torchvision's and
 * weights move between PyTorch and Lumen by name.
 *
 * <p>Subclasses register children and parameters in their constructor, in torchvision's order, and implement
 * {@link #forward}. Callers run a module with {@link #apply}, which also runs the output hook: the explainers
 * use it to capture a layer's activation and to cut the graph there (see {@link #setOutputHook}).
 *
 * <p>Parameters are allocated by {@link #initialize} in one {@link NDManager} owned by the caller; modules hold
 * no native memory of their own before that.
 */
public abstract class Module {
    /** Output hooks set now, over every module of every model; while any is set no activation is freed early. */
    private static final AtomicInteger HOOKS = new AtomicInteger();

    private final Map<String, Module> children = new LinkedHashMap<>();
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private boolean training;
    private UnaryOperator<NDArray> outputHook;

    /** Computes this module's output. Children are called through {@link #apply}. */
    protected abstract NDArray forward(NDArray input);

    /** Runs {@link #forward}, then the output hook if one is set. */
    public final NDArray apply(NDArray input) {
        NDArray out = forward(input);
        return outputHook == null ? out : outputHook.apply(out);
    }

    /**
     * Sets a function applied to this module's output; what it returns is what the rest of the network sees.
     * {@code null} removes it. Explainers set it to record an activation (and to detach it and ask for its
     * gradient, which libtorch does not keep for non-leaf tensors).
     */
    public void setOutputHook(UnaryOperator<NDArray> hook) {
        if (hook != null && outputHook == null) {
            HOOKS.incrementAndGet();
        } else if (hook == null && outputHook != null) {
            HOOKS.decrementAndGet();
        }
        this.outputHook = hook;
    }

    /**
     * Runs {@code next} on {@code x}, an intermediate activation that the calling {@code forward} computed and
     * uses nowhere else, then frees {@code x}'s handle. PyTorch frees such a tensor as soon as its last Python
     * reference goes; without this it would live until the caller's manager closes, and a training step would
     * hold every pre-ReLU and pre-residual activation at once (more memory, fresh pages, slower steps). Autograd
     * keeps its own reference to whatever the backward pass needs, so freeing the handle never changes a
     * gradient. While any output hook is set (an explainer holds activations it captured) nothing is freed.
     * Never pass the caller's own input: only an array this forward created.
     */
    protected static NDArray consume(Module next, NDArray x) {
        return consume(next::apply, x);
    }

    /** {@link #consume(Module, NDArray)} for a step that is a function, not a module ({@code Functional::silu}). */
    protected static NDArray consume(UnaryOperator<NDArray> next, NDArray x) {
        NDArray y = next.apply(x);
        if (y != x) {
            release(x);
        }
        return y;
    }

    /**
     * Runs {@code body} with early freeing off, as while an output hook is set: for explainers that cut the
     * forward pass into pieces at tensors a module would otherwise free (guided backpropagation's ReLUs).
     */
    public static <T> T keepingActivations(java.util.function.Supplier<T> body) {
        HOOKS.incrementAndGet();
        try {
            return body.get();
        } finally {
            HOOKS.decrementAndGet();
        }
    }

    /**
     * {@code a + b}, written into {@code a} when nothing may be watching {@code a} (no output hook set, activations
     * not kept), as torchvision's {@code out += identity}: autograd allows it (an addition's backward needs neither
     * input, and neither does the batch norm that made {@code a}), and at 800 pixels it spares a 56 MB result.
     * Otherwise a new array, {@code a} released.
     */
    protected static NDArray addInto(NDArray a, NDArray b) {
        if (HOOKS.get() == 0) {
            a.addi(b);
            return a;
        }
        NDArray sum = a.add(b);
        release(a);
        return sum;
    }

    /**
     * Whether anything may be watching activations now (an output hook is set somewhere, or activations are being
     * kept): a forward that would skip or merge child modules' outputs (a norm folded into its convolution) must
     * then run them one by one, since a hook on the skipped child would otherwise never fire.
     */
    protected static boolean watched() {
        return HOOKS.get() > 0;
    }

    /** Frees an intermediate activation as {@link #consume} does, once the calling forward is done with it. */
    protected static void release(NDArray intermediate) {
        if (HOOKS.get() == 0) {
            intermediate.close();
        }
    }

    protected final <M extends Module> M register(String name, M child) {
        if (children.containsKey(name) || parameters.containsKey(name)) {
            throw new IllegalArgumentException("duplicate name " + name);
        }
        children.put(name, child);
        return child;
    }

    /** Replaces an existing child (a new classification head, an adapted first convolution). */
    protected final <M extends Module> M replace(String name, M child) {
        if (!children.containsKey(name)) {
            throw new IllegalArgumentException("no child " + name);
        }
        children.put(name, child);
        return child;
    }

    protected final Parameter weight(String name, Shape shape, Init init) {
        return add(new Parameter(name, shape, DataType.FLOAT32, Parameter.Kind.WEIGHT, init));
    }

    protected final Parameter buffer(String name, Shape shape, DataType type, Init init) {
        return add(new Parameter(name, shape, type, Parameter.Kind.BUFFER, init));
    }

    private Parameter add(Parameter p) {
        if (children.containsKey(p.name()) || parameters.containsKey(p.name())) {
            throw new IllegalArgumentException("duplicate name " + p.name());
        }
        parameters.put(p.name(), p);
        return p;
    }

    /**
     * Names (local to this module) that a state dict may carry for it and a load drops, as a PyTorch module's
     * {@code _load_from_state_dict} deletes them (torchvision's {@code FrozenBatchNorm2d}: the
     * {@code num_batches_tracked} of the {@code BatchNorm2d} it stands for). None by default.
     */
    public java.util.Set<String> ignoredOnLoad() {
        return java.util.Set.of();
    }

    /** Direct children by local name, in registration order. */
    public Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** This module's own parameters (not its children's). */
    public Map<String, Parameter> ownParameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /**
     * Every parameter and buffer under this module by its dotted torchvision name, in PyTorch's
     * {@code state_dict()} order (own weights, own buffers, then children depth-first).
     */
    public Map<String, Parameter> stateDict() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> out) {
        for (Parameter.Kind kind : Parameter.Kind.values()) {
            for (Parameter p : parameters.values()) {
                if (p.kind() == kind) {
                    out.put(prefix + p.name(), p);
                }
            }
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collect(prefix + e.getKey() + ".", out);
        }
    }

    /** Every module under this one (this one first, as {@code ""}) by dotted path. */
    public Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        walk("", out);
        return out;
    }

    private void walk(String path, Map<String, Module> out) {
        out.put(path, this);
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().walk(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out);
        }
    }

    /** The module at a dotted path such as {@code layer3.1.conv2}, or null if there is none. */
    public Module find(String path) {
        Module m = this;
        if (path.isEmpty()) {
            return m;
        }
        for (String part : path.split("\\.", -1)) {
            m = m.children.get(part);
            if (m == null) {
                return null;
            }
        }
        return m;
    }

    /** Switches training behaviour (batch statistics, dropout) for this module and all below it. */
    public void train(boolean on) {
        training = on;
        for (Module c : children.values()) {
            c.train(on);
        }
    }

    public boolean isTraining() {
        return training;
    }

    /**
     * Allocates every parameter not yet allocated in {@code manager} from its initialiser. Parameters are
     * visited in state-dict order with one generator, so a seed gives the same model every time.
     */
    public void initialize(NDManager manager, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Parameter p : stateDict().values()) {
            if (!p.isInitialized()) {
                p.setValue(create(manager, p, random));
            }
        }
    }

    static NDArray create(NDManager manager, Parameter p, SplittableRandom random) {
        float[] values = p.init().values(p.shape(), random);
        NDArray a = manager.create(values, p.shape());
        return p.dataType() == DataType.FLOAT32 ? a : convert(a, p.dataType());
    }

    private static NDArray convert(NDArray a, DataType type) {
        NDArray b = a.toType(type, false);
        a.close();
        return b;
    }

    /**
     * Turns off requires-gradient on the parameters that have it (a model mid-training), so that passes run only
     * for an input's gradient (explanations, attacks) accumulate none; returns them for
     * {@link #resumeParameterGradients}.
     */
    public List<NDArray> pauseParameterGradients() {
        List<NDArray> paused = new ArrayList<>();
        for (Parameter p : stateDict().values()) {
            if (p.isInitialized() && p.value().hasGradient()) {
                p.value().setRequiresGradient(false);
                paused.add(p.value());
            }
        }
        return paused;
    }

    /** Undoes {@link #pauseParameterGradients}. */
    public static void resumeParameterGradients(List<NDArray> paused) {
        for (NDArray p : paused) {
            p.setRequiresGradient(true);
        }
    }

    /** The weights an optimiser updates: learnable and not frozen, by state-dict name. */
    public List<Map.Entry<String, Parameter>> trainableParameters() {
        List<Map.Entry<String, Parameter>> out = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : stateDict().entrySet()) {
            if (e.getValue().trainable()) {
                out.add(e);
            }
        }
        return out;
    }

    /** Freezes or unfreezes every weight under this module. */
    public void setFrozen(boolean frozen) {
        for (Parameter p : stateDict().values()) {
            p.setFrozen(frozen);
        }
    }
}
