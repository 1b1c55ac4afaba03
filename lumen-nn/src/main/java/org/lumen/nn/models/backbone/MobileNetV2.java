package org.lumen.nn.models.backbone;

import ai.djl.ndarray.NDArray;
import java.util.function.IntFunction;
import org.lumen.nn.layers.BatchNorm2d;
import org.lumen.nn.layers.Conv2d;
import org.lumen.nn.layers.Dropout;
import org.lumen.nn.layers.Lambda;
import org.lumen.nn.layers.Linear;
import org.lumen.nn.layers.Sequential;
import org.lumen.nn.module.Init;
import org.lumen.nn.module.Module;
import org.lumen.nn.ops.Functional;

/**
 * torchvision's {@code mobilenet_v2} (width 1.0): {@code features.0} a 3x3 stride-2 Conv-BN-ReLU6 to 32 channels,
 * {@code features.1..17} inverted residual blocks, {@code features.18} a 1x1 Conv-BN-ReLU6 to 1280, global average
 * pooling (a function, as in torchvision: no module), {@code classifier} = Dropout(0.2), Linear(1280, classes).
 * Convolutions start Kaiming-normal (fan_out), batch norms at 1 and 0, the linear layer Normal(0, 0.01) and 0.
 */
public final class MobileNetV2 extends Backbone {
    /** torchvision's table: expansion t, output channels c, repeats n, first stride s. */
    private static final int[][] SETTING = {
        {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1},
    };
    private static final int LAST_CHANNELS = 1280;

    private final Sequential features;
    private final Module classifier;

    private MobileNetV2(int numClasses, int inChannels, IntFunction<Module> norm) {
        // features.18: pytorch-grad-cam's choice for MobileNet (model.features[-1])
        super("mobilenet_v2", numClasses, inChannels, "classifier.1.", "features.0.0.weight", "features.18");
        Sequential f = new Sequential(new Conv2dNormActivation(inChannels, 32, 3, 2, 1, norm, Lambda.relu6()));
        int in = 32;
        for (int[] row : SETTING) {
            for (int i = 0; i < row[2]; i++) {
                f.add(invertedResidual(in, row[1], i == 0 ? row[3] : 1, row[0], norm));
                in = row[1];
            }
        }
        f.add(new Conv2dNormActivation(in, LAST_CHANNELS, 1, 1, 1, norm, Lambda.relu6()));
        features = register("features", f);
        classifier = register("classifier", new Sequential(new Dropout(0.2),
                new Linear(LAST_CHANNELS, numClasses, Init.normal(0.01), Init.ZEROS)));
    }

    public static MobileNetV2 mobilenetV2(int numClasses, int inChannels) {
        return create(numClasses, inChannels, BatchNorm2d::new);
    }

    /** With {@code norm} after every convolution (torchvision's {@code norm_layer}). */
    public static MobileNetV2 create(int numClasses, int inChannels, IntFunction<Module> norm) {
        return new MobileNetV2(numClasses, inChannels, norm);
    }

    /** {@code features}, children {@code 0..18}: the feature extractor the detection body keeps. */
    public Sequential features() {
        return features;
    }

    @Override
    protected NDArray forward(NDArray x) {
        NDArray y = Functional.adaptiveAvgPool2d(features.apply(x), 1, 1);
        return classifier.apply(flatten(y));
    }

    /**
     * torchvision's {@code InvertedResidual}: child {@code conv} = [1x1 expand Conv-Norm-ReLU6 (absent when the
     * expansion is 1)], 3x3 depthwise Conv-Norm-ReLU6 (strided), 1x1 linear projection conv, norm. The input is
     * added back when stride is 1 and the channel count is unchanged.
     */
    static InvertedResidual invertedResidual(int in, int out, int stride, int expansion, IntFunction<Module> norm) {
        int hidden = in * expansion;
        Sequential c = InvertedResidual.expandThenDepthwise(in, hidden, 3, stride, norm, Lambda::relu6);
        c.add(new Conv2d(hidden, out, 1, 1, 0, 1, 1, false, Init.kaimingNormalFanOut()));
        c.add(norm.apply(out));
        return new InvertedResidual("conv", c, null, stride == 1 && in == out);
    }
}
