package org.lumen.nn.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lumen.core.LumenException;
import org.lumen.nn.models.backbone.Backbone;
import org.lumen.nn.module.Module;
import org.lumen.nn.module.Parameter;

/**
 * Moves a {@link Module}'s state dict to and from safetensors files with torchvision's names.
 *
 * <p>Loading is strict: every tensor of the model must be in the file with the same shape, and every tensor of
 * the file must be used. All faults are collected and reported together, each naming the tensor (and both
 * shapes for a mismatch), and nothing is copied into the model unless the whole file fits. As PyTorch's
 * {@code load_state_dict}, a tensor a module drops on load ({@link Module#ignoredOnLoad}: a frozen batch norm's
 * {@code num_batches_tracked}) is no fault, a missing {@code num_batches_tracked} neither, and a {@code [1]}
 * tensor fills a scalar {@code []}. The one relaxation beyond PyTorch's
 * is {@link #transfer}: a classification head of another class count is skipped (the model keeps its fresh
 * head) and an RGB first convolution is adapted to the model's channel count.
 */
public final class Weights {
    private Weights() {}

    /** What {@link #transfer} did beyond a strict load, for the log and the provenance record. */
    public record Report(List<String> notes) {}

    /** Strict load of {@code file} into {@code model}, whose parameters must already be allocated in {@code manager}. */
    public static void load(Module model, Path file, NDManager manager) {
        apply(model, file, manager, null, new ArrayList<>());
    }

    /** Load for transfer learning into a backbone: a mismatched head is skipped, the stem adapted. */
    public static Report transfer(Backbone model, Path file, NDManager manager) {
        List<String> notes = new ArrayList<>();
        apply(model, file, manager, model, notes);
        return new Report(List.copyOf(notes));
    }

    /**
     * Load of a classifier's weights into a backbone used as an encoder ({@link Backbone#dropHead}): the file's
     * head tensors are ignored, the stem is adapted to the channel count, everything else must fit exactly.
     */
    public static Report transferEncoder(Backbone encoder, Path file, NDManager manager) {
        List<String> notes = new ArrayList<>();
        apply(encoder, file, manager, encoder, notes);
        return new Report(List.copyOf(notes));
    }

    private static void apply(Module model, Path file, NDManager manager, Backbone transfer, List<String> notes) {
        Map<String, Parameter> params = model.stateDict();
        try (SafeTensors st = SafeTensors.open(file)) {
            List<String> faults = new ArrayList<>();
            Map<String, SafeTensors.Entry> plan = new LinkedHashMap<>();
            for (Map.Entry<String, Parameter> p : params.entrySet()) {
                String name = p.getKey();
                SafeTensors.Entry e = st.entries().get(name);
                Shape want = p.getValue().shape();
                if (e == null) {
                    if (name.endsWith("num_batches_tracked")) {
                        continue; // PyTorch itself treats it as optional (old state dicts lack it)
                    }
                    faults.add("missing " + name);
                } else if (oneElementForScalar(e, want)) {
                    plan.put(name, e); // load_state_dict takes a [1] tensor for a [] one (older checkpoints)
                } else if (!Arrays.equals(e.shape(), want.getShape())) {
                    if (transfer != null && name.startsWith(transfer.headPrefix())) {
                        notes.add("head " + name + " not loaded: " + Arrays.toString(e.shape()) + " in the file, "
                                + Arrays.toString(want.getShape()) + " in the model (new class count)");
                    } else if (transfer != null && name.equals(transfer.stemWeight()) && stemAdaptable(e, want)) {
                        plan.put(name, e);
                        notes.add("first convolution adapted from " + e.shape()[1] + " to " + want.get(1) + " channels");
                    } else {
                        faults.add(name + " has shape " + Arrays.toString(e.shape()) + " in the file but "
                                + Arrays.toString(want.getShape()) + " in " + modelName(model));
                    }
                } else {
                    plan.put(name, e);
                }
            }
            int ignored = 0;
            int dropped = 0;
            for (String name : st.entries().keySet()) {
                if (params.containsKey(name)) {
                    continue;
                }
                boolean droppedHead = transfer != null && !params.containsKey(transfer.headPrefix() + "weight")
                        && name.startsWith(transfer.headChild() + ".");
                if (droppedHead) {
                    ignored++;
                } else if (ignoredOnLoad(model, name)) {
                    dropped++;
                } else {
                    faults.add("unexpected " + name);
                }
            }
            if (ignored > 0) {
                notes.add(ignored + " tensors of the classification head (" + transfer.headChild() + ".*) not used");
            }
            if (dropped > 0) {
                notes.add(dropped + " tensors the model's modules drop on load, as PyTorch's (num_batches_tracked of"
                        + " frozen batch norms)");
            }
            if (!faults.isEmpty()) {
                throw new LumenException(file, "weights do not fit " + modelName(model) + " (" + faults.size()
                        + (faults.size() == 1 ? " fault" : " faults") + "): " + summarise(faults));
            }
            for (Map.Entry<String, SafeTensors.Entry> e : plan.entrySet()) {
                Parameter p = params.get(e.getKey());
                p.setValue(read(st, e.getValue(), p, manager));
            }
        }
    }

    /**
     * Whether {@code name} (not in the model's state dict) is one the module it would belong to drops on load
     * ({@link Module#ignoredOnLoad}).
     */
    public static boolean ignoredOnLoad(Module model, String name) {
        int dot = name.lastIndexOf('.');
        Module owner = dot < 0 ? model : model.find(name.substring(0, dot));
        return owner != null && owner.ignoredOnLoad().contains(name.substring(dot + 1));
    }

    /** A one-element {@code [1]} tensor in the file where the model has a scalar {@code []}. */
    private static boolean oneElementForScalar(SafeTensors.Entry e, Shape want) {
        return want.dimension() == 0 && e.shape().length == 1 && e.shape()[0] == 1;
    }

    private static boolean stemAdaptable(SafeTensors.Entry e, Shape want) {
        long[] s = e.shape();
        return s.length == 4 && s[0] == want.get(0) && s[2] == want.get(2) && s[3] == want.get(3);
    }

    private static String modelName(Module model) {
        return model instanceof Backbone b ? b.arch() : model.getClass().getSimpleName();
    }

    private static String summarise(List<String> faults) {
        int shown = Math.min(faults.size(), 8);
        String s = String.join("; ", faults.subList(0, shown));
        return faults.size() > shown ? s + "; and " + (faults.size() - shown) + " more" : s;
    }

    private static NDArray read(SafeTensors st, SafeTensors.Entry e, Parameter p, NDManager manager) {
        Shape want = p.shape();
        if (p.dataType() == DataType.INT64) {
            if (e.dtype() != SafeTensors.DType.I64) {
                throw new LumenException(st.path(), "tensor " + e.name() + " is " + e.dtype() + ", expected I64");
            }
            ByteBuffer b = st.read(e);
            return manager.create(b, want, DataType.INT64);
        }
        if (e.dtype() == SafeTensors.DType.F32 && Arrays.equals(e.shape(), want.getShape())) {
            return manager.create(st.read(e), want, DataType.FLOAT32);
        }
        float[] v = st.readFloats(e);
        if (!Arrays.equals(e.shape(), want.getShape()) && !oneElementForScalar(e, want)) {
            v = adaptStem(v, e.shape(), want);
        }
        return manager.create(v, want);
    }

    /**
     * Adapts a first-convolution weight {@code [out, cIn, k, k]} to {@code cOut} input channels: to one channel
     * the sum over the inputs (a grey image equal in every RGB channel then gives the same activation); to any
     * other count the mean over the inputs, repeated and scaled by cIn/cOut so activations keep their size.
     */
    static float[] adaptStem(float[] w, long[] from, Shape to) {
        int out = (int) from[0];
        int cIn = (int) from[1];
        int cOut = (int) to.get(1);
        int k = (int) (from[2] * from[3]);
        float[] r = new float[out * cOut * k];
        for (int o = 0; o < out; o++) {
            for (int j = 0; j < k; j++) {
                float sum = 0;
                for (int c = 0; c < cIn; c++) {
                    sum += w[(o * cIn + c) * k + j];
                }
                float v = cOut == 1 ? sum : sum / cOut;
                for (int c = 0; c < cOut; c++) {
                    r[(o * cOut + c) * k + j] = v;
                }
            }
        }
        return r;
    }

    /** Writes every tensor of {@code model}'s state dict (float32, and int64 counters) to {@code file}, atomically. */
    public static void save(Module model, Path file, Map<String, String> metadata) throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> p : model.stateDict().entrySet()) {
            tensors.put(p.getKey(), p.getValue().value());
        }
        SafeTensorsWriter.write(file, tensors, metadata);
    }
}
