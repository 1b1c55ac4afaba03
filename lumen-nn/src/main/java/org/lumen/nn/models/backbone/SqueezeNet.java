package org.lumen.nn.models.backbone;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.lumen.nn.layers.Conv2d;
import org.lumen.nn.layers.Dropout;
import org.lumen.nn.layers.Lambda;
import org.lumen.nn.layers.Sequential;
import org.lumen.nn.module.Init;
import org.lumen.nn.module.Module;

/**
 * torchvision's SqueezeNet 1.1 ({@code torchvision.models.squeezenet}). The sequential {@code features}:
 * {@code 0} a 3x3 stride-2 convolution to 64 channels (no padding), {@code 1} ReLU, {@code 2} max pool, Fire
 * modules {@code 3, 4}, max pool {@code 5}, Fires {@code 6, 7}, max pool {@code 8}, Fires {@code 9..12}; every max
 * pool is 3x3, stride 2, with {@code ceil_mode} (a partial last window counts). The sequential
 * {@code classifier}: {@code 0} Dropout(0.5), {@code 1} a 1x1 convolution to the classes, {@code 2} ReLU,
 * {@code 3} adaptive average pool to 1x1; the output {@code [N, numClasses]} is that map flattened, so logits are
 * never negative, as in torchvision.
 *
 * <p>Initialisation as torchvision's: {@code classifier.1} Normal(0, 0.01), the other convolutions
 * Kaiming-uniform (fan_in), every bias 0.
 */
public final class SqueezeNet extends Backbone {
    private final Module features;
    private final Module classifier;

    private SqueezeNet(int numClasses, int inChannels) {
        // Grad-CAM: features, whose output is the last Fire module's (pytorch-grad-cam's model.features[-1])
        super("squeezenet1_1", numClasses, inChannels, "classifier.1.", "features.0.weight", "features");
        features = register("features", new Sequential(
                conv(inChannels, 64, 3, 2, 0), Lambda.relu(), pool(),
                new Fire(64, 16, 64), new Fire(128, 16, 64), pool(),
                new Fire(128, 32, 128), new Fire(256, 32, 128), pool(),
                new Fire(256, 48, 192), new Fire(384, 48, 192), new Fire(384, 64, 256), new Fire(512, 64, 256)));
        classifier = register("classifier", new Sequential(
                new Dropout(0.5), new Conv2d(512, numClasses, 1, 1, 0, 1, 1, true, Init.normal(0.01)),
                Lambda.relu(), Lambda.adaptiveAvgPool(1, 1)));
    }

    public static SqueezeNet squeezenet1_1(int numClasses, int inChannels) {
        return new SqueezeNet(numClasses, inChannels);
    }

    /** Every convolution but {@code classifier.1}. */
    private static Conv2d conv(int in, int out, int k, int stride, int padding) {
        return new Conv2d(in, out, k, stride, padding, 1, 1, true, Init.kaimingUniformFanIn());
    }

    private static Module pool() {
        return Lambda.maxPool(3, 2, 0, true);
    }

    @Override
    protected NDArray forward(NDArray x) {
        return flatten(classifier.apply(features.apply(x)));
    }

    /** The stem convolution, each Fire ({@code features.3, 4, 6, 7, 9, 10, 11, 12}), then {@code classifier.1}. */
    @Override
    public List<String> stages() {
        return List.of("features.0", "features.3", "features.4", "features.6", "features.7", "features.9",
                "features.10", "features.11", "features.12", "classifier.1");
    }

    /**
     * A Fire module: {@code squeeze} (1x1 to {@code squeeze} channels) and its ReLU, then {@code expand1x1} and
     * {@code expand3x3} (padding 1), each to {@code expand} channels with its ReLU, concatenated:
     * {@code [N, in, H, W] -> [N, 2 x expand, H, W]}.
     */
    static final class Fire extends Module {
        private final Module squeeze;
        private final Module squeezeActivation;
        private final Module expand1x1;
        private final Module expand1x1Activation;
        private final Module expand3x3;
        private final Module expand3x3Activation;

        Fire(int in, int squeezeChannels, int expand) {
            squeeze = register("squeeze", conv(in, squeezeChannels, 1, 1, 0));
            squeezeActivation = register("squeeze_activation", Lambda.relu());
            expand1x1 = register("expand1x1", conv(squeezeChannels, expand, 1, 1, 0));
            expand1x1Activation = register("expand1x1_activation", Lambda.relu());
            expand3x3 = register("expand3x3", conv(squeezeChannels, expand, 3, 1, 1));
            expand3x3Activation = register("expand3x3_activation", Lambda.relu());
        }

        @Override
        protected NDArray forward(NDArray x) {
            NDArray s = squeezeActivation.apply(squeeze.apply(x));
            NDArray e1 = expand1x1Activation.apply(expand1x1.apply(s));
            return e1.concat(expand3x3Activation.apply(expand3x3.apply(s)), 1);
        }
    }
}
