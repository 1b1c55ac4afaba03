package org.lumen.nn.models.backbone;

import org.lumen.nn.layers.BatchNorm2d;
import org.lumen.nn.layers.Conv2d;
import org.lumen.nn.layers.Sequential;
import org.lumen.nn.module.Init;
import org.lumen.nn.module.Module;

/**
 * torchvision's {@code Conv2dNormActivation} with batch norm, as the mobile networks use it: children
 * {@code 0} a bias-free convolution (padding {@code (kernel - 1) / 2}, Kaiming-normal fan_out as those models
 * initialise it), {@code 1} {@code BatchNorm2d(out)}, and {@code 2} the activation unless it is null.
 */
final class Conv2dNormActivation extends Sequential {
    Conv2dNormActivation(int in, int out, int kernel, int stride, int groups, Module activation) {
        add(new Conv2d(in, out, kernel, stride, (kernel - 1) / 2, 1, groups, false, Init.kaimingNormalFanOut()));
        add(new BatchNorm2d(out));
        if (activation != null) {
            add(activation);
        }
    }
}
