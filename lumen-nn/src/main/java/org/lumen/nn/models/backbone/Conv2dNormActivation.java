package org.lumen.nn.models.backbone;

import java.util.function.IntFunction;
import org.lumen.nn.layers.BatchNorm2d;
import org.lumen.nn.layers.Conv2d;
import org.lumen.nn.layers.Sequential;
import org.lumen.nn.module.Init;
import org.lumen.nn.module.Module;

/**
 * torchvision's {@code Conv2dNormActivation}, as the mobile networks use it: children {@code 0} a bias-free
 * convolution (padding {@code (kernel - 1) / 2}, Kaiming-normal fan_out as those models initialise it), {@code 1}
 * the norm on {@code out} channels ({@code BatchNorm2d} unless the network was given another {@code norm_layer}),
 * and {@code 2} the activation unless it is null.
 */
final class Conv2dNormActivation extends Sequential {
    Conv2dNormActivation(int in, int out, int kernel, int stride, int groups, Module activation) {
        this(in, out, kernel, stride, groups, BatchNorm2d::new, activation);
    }

    Conv2dNormActivation(int in, int out, int kernel, int stride, int groups, IntFunction<Module> norm,
            Module activation) {
        add(new Conv2d(in, out, kernel, stride, (kernel - 1) / 2, 1, groups, false, Init.kaimingNormalFanOut()));
        add(norm.apply(out));
        if (activation != null) {
            add(activation);
        }
    }
}
