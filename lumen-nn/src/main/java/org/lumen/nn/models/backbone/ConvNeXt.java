package org.lumen.nn.models.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.lumen.nn.layers.Conv2d;
import org.lumen.nn.layers.Lambda;
import org.lumen.nn.layers.LayerNorm;
import org.lumen.nn.layers.LayerNorm2d;
import org.lumen.nn.layers.Linear;
import org.lumen.nn.layers.Sequential;
import org.lumen.nn.layers.StochasticDepth;
import org.lumen.nn.module.Init;
import org.lumen.nn.module.Module;
import org.lumen.nn.module.Parameter;

/**
 * torchvision's {@code convnext_tiny}: {@code features.0} the stem (4x4 stride-4 conv with bias, LayerNorm2d),
 * then stages of CNBlocks at {@code features.1, 3, 5, 7} with downsampling at {@code features.2, 4, 6}
 * (LayerNorm2d, 2x2 stride-2 conv), {@code avgpool}, {@code classifier} = LayerNorm2d, Flatten, Linear. Layer norms
 * use eps 1e-6; layer scales start at 1e-6; stochastic depth grows linearly from 0 at the first block to 0.1 at
 * the last. Convolution and linear weights start from a truncated Normal(0, 0.02), their biases at 0.
 */
public final class ConvNeXt extends Backbone {
    /** torchvision's tiny table: channels, blocks (the next stage's channels follow). */
    private static final int[][] TINY = {{96, 3}, {192, 3}, {384, 9}, {768, 3}};
    private static final double EPS = 1e-6;
    private static final double LAYER_SCALE = 1e-6;
    private static final Init WEIGHT_INIT = Init.truncatedNormal(0.02);

    private final Module features;
    private final Module avgpool;
    private final Module classifier;

    private ConvNeXt(String arch, int[][] setting, double stochasticDepth, int numClasses, int inChannels) {
        // features.7, the last stage (model.features[-1], as pytorch-grad-cam picks for such models)
        super(arch, numClasses, inChannels, "classifier.2.", "features.0.0.weight",
                "features." + (2 * setting.length - 1));
        int width = setting[0][0];
        Sequential f = new Sequential(new Sequential(conv(inChannels, width, 4, 4), new LayerNorm2d(width, EPS)));
        int total = 0;
        for (int[] row : setting) {
            total += row[1];
        }
        int blockId = 0;
        for (int s = 0; s < setting.length; s++) {
            int dim = setting[s][0];
            Sequential stage = new Sequential();
            for (int i = 0; i < setting[s][1]; i++) {
                stage.add(new CNBlock(dim, stochasticDepth * blockId++ / (total - 1.0)));
            }
            f.add(stage);
            if (s + 1 < setting.length) {
                f.add(new Sequential(new LayerNorm2d(dim, EPS), conv(dim, setting[s + 1][0], 2, 2)));
            }
        }
        features = register("features", f);
        avgpool = register("avgpool", Lambda.adaptiveAvgPool(1, 1));
        int last = setting[setting.length - 1][0];
        classifier = register("classifier", new Sequential(new LayerNorm2d(last, EPS), Lambda.flatten(),
                new Linear(last, numClasses, WEIGHT_INIT, Init.ZEROS)));
    }

    public static ConvNeXt convnextTiny(int numClasses, int inChannels) {
        return new ConvNeXt("convnext_tiny", TINY, 0.1, numClasses, inChannels);
    }

    /** A square convolution with bias and no padding (stem, downsampling, with kernel = stride). */
    private static Conv2d conv(int in, int out, int kernel, int stride) {
        return new Conv2d(in, out, kernel, stride, 0, 1, 1, true, WEIGHT_INIT);
    }

    @Override
    protected NDArray forward(NDArray x) {
        return classifier.apply(avgpool.apply(features.apply(x)));
    }

    /**
     * torchvision's {@code CNBlock} on {@code [N, C, H, W]}: parameter {@code layer_scale [C, 1, 1]}, child
     * {@code block} = 7x7 depthwise conv (bias), Permute to NHWC, LayerNorm(C), Linear(C, 4C), GELU, Linear(4C, C),
     * Permute to NCHW; and child {@code stochastic_depth}. Output {@code x + stochastic_depth(layer_scale * block(x))}.
     */
    static final class CNBlock extends Module {
        private final Parameter layerScale;
        private final Module block;
        private final Module stochasticDepth;

        CNBlock(int dim, double dropProbability) {
            layerScale = weight("layer_scale", new Shape(dim, 1, 1), Init.constant((float) LAYER_SCALE));
            block = register("block", new Sequential(
                    new Conv2d(dim, dim, 7, 1, 3, 1, dim, true, WEIGHT_INIT),
                    Lambda.permute(0, 2, 3, 1),
                    new LayerNorm(dim, EPS),
                    new Linear(dim, 4 * dim, WEIGHT_INIT, Init.ZEROS),
                    Lambda.gelu(),
                    new Linear(4 * dim, dim, WEIGHT_INIT, Init.ZEROS),
                    Lambda.permute(0, 3, 1, 2)));
            stochasticDepth = register("stochastic_depth", new StochasticDepth(dropProbability));
        }

        @Override
        protected NDArray forward(NDArray x) {
            return x.add(stochasticDepth.apply(layerScale.value().mul(block.apply(x))));
        }
    }
}
