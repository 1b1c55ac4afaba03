package org.lumen.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The network operations, one call each into libtorch, with PyTorch's own semantics and argument order
 * ({@code torch.nn.functional}). This is the only class in Lumen that talks to the PyTorch engine's JNI layer
 * directly: DJL's engine-neutral wrappers change some semantics (batch-norm momentum, pooling defaults) and
 * cost an extra copy in places, and we promise PyTorch's numbers at PyTorch's speed.
 */
public final class Functional {
    private Functional() {}

    private static PtNDArray pt(NDArray a) {
        return (PtNDArray) a;
    }

    /**
     * {@code x.contiguous(memory_format=torch.channels_last)} for {@code x [N, C, H, W]}: the same array, its
     * values stored channel-fastest. libtorch 2.7's oneDNN convolutions read and write this layout directly; on
     * the default layout each convolution reorders its input into a blocked layout and its output back, which on
     * Faster R-CNN's 800 px feature maps costs more than many of the convolutions themselves. Convolutions, batch
     * norm, pooling, interpolation and element-wise ops keep the layout, so converting a network's input once is
     * enough.
     */
    public static NDArray channelsLast(NDArray x) {
        Shape s = x.getShape();
        // the permuted view cannot be merged over (W, C) without a copy, so this reshape makes one, NHWC-dense
        NDArray nhwc = x.transpose(0, 2, 3, 1).reshape(s.get(0), s.get(2), s.get(3) * s.get(1));
        return nhwc.reshape(s.get(0), s.get(2), s.get(3), s.get(1)).transpose(0, 3, 1, 2);
    }

    /** {@code F.conv2d}; {@code bias} may be null. Input NCHW, weight [out, in/groups, kh, kw]. */
    public static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, int[] stride, int[] padding, int[] dilation,
            int groups) {
        return JniUtils.convolution(pt(x), pt(weight), bias == null ? null : pt(bias), shape(stride), shape(padding),
                shape(dilation), groups);
    }

    /**
     * {@code F.batch_norm}: in training mode it normalises with the batch's statistics and updates the running
     * ones in place as {@code running = (1 - momentum) * running + momentum * batch} (unbiased variance).
     */
    public static NDArray batchNorm(NDArray x, NDArray runningMean, NDArray runningVar, NDArray weight, NDArray bias,
            boolean training, double momentum, double eps) {
        return JniUtils.batchNorm(pt(x), pt(runningMean), pt(runningVar), weight == null ? null : pt(weight),
                bias == null ? null : pt(bias), training, momentum, eps);
    }

    /** {@code F.layer_norm} over the trailing dimensions given by {@code normalizedShape}. */
    public static NDArray layerNorm(NDArray x, Shape normalizedShape, NDArray weight, NDArray bias, double eps) {
        return JniUtils.layerNorm(pt(x), normalizedShape, pt(weight), pt(bias), eps);
    }

    /** {@code F.linear}: x @ weight^T + bias; {@code bias} may be null. */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return JniUtils.linear(pt(x), pt(weight), bias == null ? null : pt(bias));
    }

    public static NDArray maxPool2d(NDArray x, int[] kernel, int[] stride, int[] padding, boolean ceilMode) {
        return JniUtils.maxPool(pt(x), shape(kernel), shape(stride), shape(padding), ceilMode);
    }

    public static NDArray avgPool2d(NDArray x, int[] kernel, int[] stride, int[] padding, boolean ceilMode,
            boolean countIncludePad) {
        return JniUtils.avgPool(pt(x), shape(kernel), shape(stride), shape(padding), ceilMode, countIncludePad);
    }

    public static NDArray adaptiveAvgPool2d(NDArray x, int outH, int outW) {
        return JniUtils.adaptiveAvgPool(pt(x), new Shape(outH, outW));
    }

    /** {@code F.dropout}: identity unless training. */
    public static NDArray dropout(NDArray x, double p, boolean training) {
        return training && p > 0 ? JniUtils.dropout(pt(x), p, true) : x;
    }

    /**
     * torchvision's {@code stochastic_depth(x, p, "row", training)}: in training, each sample (index of dim 0) of
     * {@code x} is zeroed with probability {@code p} and the survivors are scaled by {@code 1 / (1 - p)}; identity
     * otherwise. Used on a residual branch, it drops the whole branch for that sample. {@code p} is in [0, 1]
     * (checked where the module is built). The noise comes from the engine's generator, in {@code x}'s manager.
     */
    public static NDArray stochasticDepth(NDArray x, double p, boolean training) {
        if (!training || p == 0) {
            return x;
        }
        double survival = 1 - p;
        long[] rowShape = new long[x.getShape().dimension()];
        Arrays.fill(rowShape, 1);
        rowShape[0] = x.getShape().get(0);
        NDArray keep = x.getManager().randomUniform(0f, 1f, new Shape(rowShape)).lt(survival)
                .toType(x.getDataType(), false);
        return x.mul(survival > 0 ? keep.divi(survival) : keep); // p = 1 drops every sample
    }

    /**
     * {@code F.relu}, or, while a {@link #withReluRule rule} is set on this thread, what the rule returns (the
     * explainers that change ReLU's backward pass: guided backpropagation, deconvnet).
     */
    public static NDArray relu(NDArray x) {
        UnaryOperator<NDArray> rule = RELU_RULE.get();
        return rule == null ? Activation.relu(x) : rule.apply(x);
    }

    private static final ThreadLocal<UnaryOperator<NDArray>> RELU_RULE = new ThreadLocal<>();

    /**
     * Runs {@code body} with every {@link #relu} call on this thread replaced by {@code rule} (given the
     * pre-activation, it returns what the network sees), then restores plain ReLU.
     */
    public static <T> T withReluRule(UnaryOperator<NDArray> rule, Supplier<T> body) {
        UnaryOperator<NDArray> before = RELU_RULE.get();
        RELU_RULE.set(rule);
        try {
            return body.get();
        } finally {
            RELU_RULE.set(before);
        }
    }

    /**
     * Runs {@code body} with libtorch's gradient recording off on this thread, restoring the thread's mode after:
     * {@code torch.no_grad()}. Gradient mode is per thread and on by default in a new one (DJL switches it off
     * only on the threads where a {@code GradientCollector} closed), so an in-place update of a weight that
     * requires gradients must run inside this, or it fails ("a leaf Variable that requires grad is being used in
     * an in-place operation") on any thread that never collected gradients.
     */
    public static void noGrad(Runnable body) {
        boolean before = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            body.run();
        } finally {
            JniUtils.setGradMode(before);
        }
    }

    /**
     * Back-propagates {@code gradient} (the shape of {@code output}) from {@code output} into the leaves it
     * depends on, accumulating into their gradients and keeping the graph for further passes: libtorch's
     * {@code output.backward(gradient, retain_graph=True)}. Call inside a {@code GradientCollector}.
     */
    public static void backward(NDArray output, NDArray gradient) {
        JniUtils.backward(pt(output), pt(gradient), true, false);
    }

    /** {@code F.relu6}: min(max(x, 0), 6). */
    public static NDArray relu6(NDArray x) {
        return x.clip(0, 6);
    }

    /** {@code F.silu}: x * sigmoid(x). */
    public static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /** {@code F.gelu} with the exact (erf) form, as torchvision's ConvNeXt uses. */
    public static NDArray gelu(NDArray x) {
        return Activation.gelu(x);
    }

    public static NDArray sigmoid(NDArray x) {
        return Activation.sigmoid(x);
    }

    /**
     * {@code F.interpolate(mode="bilinear", align_corners=False)} (no antialiasing) to {@code [outH, outW]}.
     * DJL's JNI numbers the modes nearest 0, linear 1, bilinear 2, bicubic 3 (mode 1 fails on 4-d input); its flag
     * is not PyTorch's {@code align_corners} (true gives neither convention), so keep it false. DJL's interpolate
     * antialiases (as {@code antialias=True}), which changes nothing when enlarging but does when shrinking; a
     * shrink is therefore done here, one axis after the other (width first, then height, the order of torch's
     * kernel), from two gathered neighbours and torch's float32 weights. Differentiable either way.
     */
    public static NDArray resizeBilinear(NDArray x, int outH, int outW) {
        long inH = x.getShape().get(2);
        long inW = x.getShape().get(3);
        if (outH >= inH && outW >= inW) {
            return JniUtils.interpolate(pt(x), new long[] {outH, outW}, 2, false);
        }
        NDArray y = outW == inW ? x : linear1d(x, 3, (int) inW, outW);
        return outH == inH ? y : linear1d(y, 2, (int) inH, outH);
    }

    /** Linear interpolation along axis 2 or 3 with half-pixel centres, as torch's {@code upsample_bilinear2d}. */
    private static NDArray linear1d(NDArray x, int axis, int in, int out) {
        float scale = (float) in / out;
        long[] i0 = new long[out];
        long[] i1 = new long[out];
        float[] l0 = new float[out];
        float[] l1 = new float[out];
        for (int d = 0; d < out; d++) {
            float src = Math.max(scale * (d + 0.5f) - 0.5f, 0f);
            int lo = (int) src;
            i0[d] = lo;
            i1[d] = lo < in - 1 ? lo + 1 : lo;
            l1[d] = Math.min(Math.max(src - lo, 0f), 1f);
            l0[d] = 1f - l1[d];
        }
        ai.djl.ndarray.NDManager m = x.getManager();
        String at = axis == 2 ? ":, :, {}" : ":, :, :, {}";
        Shape w = axis == 2 ? new Shape(out, 1) : new Shape(out);
        NDArray a = x.get(new ai.djl.ndarray.index.NDIndex(at, m.create(i0)));
        NDArray b = x.get(new ai.djl.ndarray.index.NDIndex(at, m.create(i1)));
        return a.mul(m.create(l0, w)).add(b.mul(m.create(l1, w)));
    }

    /**
     * {@code F.interpolate(scale_factor=2, mode="nearest")} of {@code [N, C, H, W]}: each pixel becomes 2 x 2, in
     * one pass of libtorch's nearest upsampling (two {@code repeat}s, one per axis, wrote an intermediate of half the
     * output's size: 35 against 21 ms for an FPN's finest level at 800 pixels).
     */
    public static NDArray upsampleNearest2x(NDArray x) {
        return JniUtils.interpolate(pt(x), new long[] {2 * x.getShape().get(2), 2 * x.getShape().get(3)}, 0, false);
    }

    /**
     * A sparse COO matrix whose storage libtorch owns. DJL's {@code createCoo} builds it over two temporary
     * tensors backed by Java buffers and closes them, leaving the sparse tensor pointing at memory the garbage
     * collector may free while autograd still holds the matrix for the backward pass (seen as "index out of
     * column bound" in RoIAlign's backward). Here the index and value tensors are copied into libtorch-owned
     * memory first.
     */
    public static NDArray sparseCoo(NDManager manager, java.nio.Buffer values, long[] rows, long[] cols,
            Shape shape) {
        try (NDManager tmp = manager.newSubManager()) {
            long[] both = new long[2 * rows.length];
            System.arraycopy(rows, 0, both, 0, rows.length);
            System.arraycopy(cols, 0, both, rows.length, cols.length);
            NDArray idx = tmp.create(both, new Shape(2, rows.length)).duplicate();
            NDArray val = tmp.create(values, new Shape(rows.length)).duplicate();
            NDArray coo = JniUtils.createSparseCoo(pt(idx), pt(val), shape);
            coo.attach(manager);
            return coo;
        }
    }

    /** Zeroes an array's accumulated gradient in place (libtorch accumulates across backward passes). */
    public static void zeroGrad(NDArray a) {
        JniUtils.zeroGrad(pt(a));
    }

    private static Shape shape(int[] v) {
        long[] l = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            l[i] = v[i];
        }
        return new Shape(l);
    }
}
