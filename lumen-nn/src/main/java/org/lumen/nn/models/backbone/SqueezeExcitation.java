package org.lumen.nn.models.backbone;

import ai.djl.ndarray.NDArray;
import org.lumen.nn.layers.Conv2d;
import org.lumen.nn.layers.Lambda;
import org.lumen.nn.module.Init;
import org.lumen.nn.module.Module;

/**
 * torchvision's {@code SqueezeExcitation}: {@code x * scale_activation(fc2(activation(fc1(avgpool(x)))))}, with
 * children {@code avgpool}, {@code fc1} (1x1 conv C to S, bias), {@code fc2} (1x1 conv S to C, bias),
 * {@code activation} and {@code scale_activation}. Input and output {@code [N, C, H, W]}. The convolutions start
 * Kaiming-normal (fan_out) with zero bias, as every torchvision model that uses this block initialises them.
 */
final class SqueezeExcitation extends Module {
    private final Module avgpool;
    private final Module fc1;
    private final Module fc2;
    private final Module activation;
    private final Module scaleActivation;

    SqueezeExcitation(int channels, int squeeze, Lambda activation, Lambda scaleActivation) {
        avgpool = register("avgpool", Lambda.adaptiveAvgPool(1, 1));
        fc1 = register("fc1", new Conv2d(channels, squeeze, 1, 1, 0, 1, 1, true, Init.kaimingNormalFanOut()));
        fc2 = register("fc2", new Conv2d(squeeze, channels, 1, 1, 0, 1, 1, true, Init.kaimingNormalFanOut()));
        this.activation = register("activation", activation);
        this.scaleActivation = register("scale_activation", scaleActivation);
    }

    @Override
    protected NDArray forward(NDArray x) {
        NDArray scale = scaleActivation.apply(fc2.apply(activation.apply(fc1.apply(avgpool.apply(x)))));
        return x.mul(scale);
    }
}
