package org.lumen.nn.models.backbone;

import ai.djl.ndarray.NDArray;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.lumen.nn.layers.Sequential;
import org.lumen.nn.layers.StochasticDepth;
import org.lumen.nn.module.Module;

/**
 * torchvision's inverted residual blocks, MobileNetV2's {@code InvertedResidual} (child {@code conv}) and
 * EfficientNet's {@code MBConv} (child {@code block}, then {@code stochastic_depth}): one sequential child that
 * starts with {@link #expandThenDepthwise} and ends as the family does. Input and output {@code [N, C, H, W]};
 * the input is added back (through the stochastic depth where there is one) when the block keeps the stride and
 * the channel count, otherwise the output is the sequential's.
 */
final class InvertedResidual extends Module {
    private final Module layers;
    private final Module stochasticDepth;
    private final boolean residual;

    /** @param stochasticDepth registered after the layers, or null for none */
    InvertedResidual(String name, Sequential layers, StochasticDepth stochasticDepth, boolean residual) {
        this.layers = register(name, layers);
        this.stochasticDepth = stochasticDepth == null ? null : register("stochastic_depth", stochasticDepth);
        this.residual = residual;
    }

    /**
     * The start both families share: a 1x1 expansion Conv-Norm-Act to {@code hidden} channels (absent when
     * {@code hidden == in}), then the depthwise {@code kernel x kernel} Conv-Norm-Act (strided).
     */
    static Sequential expandThenDepthwise(int in, int hidden, int kernel, int stride, IntFunction<Module> norm,
            Supplier<Module> activation) {
        Sequential s = new Sequential();
        if (hidden != in) {
            s.add(new Conv2dNormActivation(in, hidden, 1, 1, 1, norm, activation.get()));
        }
        s.add(new Conv2dNormActivation(hidden, hidden, kernel, stride, hidden, norm, activation.get()));
        return s;
    }

    @Override
    protected NDArray forward(NDArray x) {
        NDArray y = layers.apply(x);
        if (!residual) {
            return y;
        }
        return x.add(stochasticDepth == null ? y : stochasticDepth.apply(y));
    }
}
