package org.lumen.nn.models.backbone;

import ai.djl.ndarray.NDArray;
import org.lumen.nn.layers.BatchNorm2d;
import org.lumen.nn.layers.Dropout;
import org.lumen.nn.layers.Lambda;
import org.lumen.nn.layers.Linear;
import org.lumen.nn.layers.Sequential;
import org.lumen.nn.layers.StochasticDepth;
import org.lumen.nn.module.Init;
import org.lumen.nn.module.Module;

/**
 * torchvision's {@code efficientnet_b0}: {@code features.0} a 3x3 stride-2 Conv-BN-SiLU to 32 channels,
 * {@code features.1..7} stages of MBConv blocks ({@code features.i.j}), {@code features.8} a 1x1 Conv-BN-SiLU to
 * 1280, {@code avgpool}, {@code classifier} = Dropout(0.2), Linear(1280, classes). Batch norms are PyTorch's
 * default (eps 1e-5, momentum 0.1; torchvision only changes them from B5 up). Stochastic depth grows linearly
 * from 0 at the first block to 0.2 x 15/16 at the last. Convolutions start Kaiming-normal (fan_out) with zero
 * bias, batch norms at 1 and 0, the linear layer Uniform(±1/sqrt(classes)) and 0.
 */
public final class EfficientNet extends Backbone {
    /** torchvision's B0 table: expansion, kernel, first stride, input channels, output channels, blocks. */
    private static final int[][] B0 = {
        {1, 3, 1, 32, 16, 1}, {6, 3, 2, 16, 24, 2}, {6, 5, 2, 24, 40, 2}, {6, 3, 2, 40, 80, 3},
        {6, 5, 1, 80, 112, 3}, {6, 5, 2, 112, 192, 4}, {6, 3, 1, 192, 320, 1},
    };
    private static final double STOCHASTIC_DEPTH = 0.2;

    private final Module features;
    private final Module avgpool;
    private final Module classifier;

    private EfficientNet(String arch, int[][] setting, double dropout, int numClasses, int inChannels) {
        // features.8: the last spatial layer (model.features[-1], as pytorch-grad-cam picks)
        super(arch, numClasses, inChannels, "classifier.1.", "features.0.0.weight",
                "features." + (setting.length + 1));
        Sequential f = new Sequential(new Conv2dNormActivation(inChannels, setting[0][3], 3, 2, 1, Lambda.silu()));
        int total = 0;
        for (int[] row : setting) {
            total += row[5];
        }
        int blockId = 0;
        for (int[] row : setting) {
            Sequential stage = new Sequential();
            for (int i = 0; i < row[5]; i++) {
                int in = i == 0 ? row[3] : row[4];
                double p = STOCHASTIC_DEPTH * blockId++ / total;
                stage.add(mbConv(in, row[4], row[0], row[1], i == 0 ? row[2] : 1, p));
            }
            f.add(stage);
        }
        int last = 4 * setting[setting.length - 1][4];
        f.add(new Conv2dNormActivation(setting[setting.length - 1][4], last, 1, 1, 1, Lambda.silu()));
        features = register("features", f);
        avgpool = register("avgpool", Lambda.adaptiveAvgPool(1, 1));
        classifier = register("classifier", new Sequential(new Dropout(dropout),
                new Linear(last, numClasses, Init.uniform(1.0 / Math.sqrt(numClasses)), Init.ZEROS)));
    }

    public static EfficientNet efficientnetB0(int numClasses, int inChannels) {
        return new EfficientNet("efficientnet_b0", B0, 0.2, numClasses, inChannels);
    }

    @Override
    protected NDArray forward(NDArray x) {
        NDArray y = avgpool.apply(features.apply(x));
        return classifier.apply(flatten(y));
    }

    /**
     * torchvision's {@code MBConv}: child {@code block} = [1x1 expand Conv-BN-SiLU (absent when the expansion is
     * 1)], depthwise k x k Conv-BN-SiLU (strided), {@link SqueezeExcitation} to {@code max(1, in / 4)} channels
     * (SiLU, sigmoid), 1x1 projection Conv-BN; and child {@code stochastic_depth}. When stride is 1 and the channel
     * count is unchanged the output is {@code x + stochastic_depth(block(x))}, otherwise {@code block(x)}.
     */
    static InvertedResidual mbConv(int in, int out, int expansion, int kernel, int stride, double dropProbability) {
        int expanded = in * expansion;
        Sequential b = InvertedResidual.expandThenDepthwise(in, expanded, kernel, stride, BatchNorm2d::new,
                Lambda::silu);
        b.add(new SqueezeExcitation(expanded, Math.max(1, in / 4), Lambda.silu(), Lambda.sigmoid()));
        b.add(new Conv2dNormActivation(expanded, out, 1, 1, 1, null));
        return new InvertedResidual("block", b, new StochasticDepth(dropProbability), stride == 1 && in == out);
    }
}
