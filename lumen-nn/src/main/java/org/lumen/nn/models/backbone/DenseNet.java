package org.lumen.nn.models.backbone;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.lumen.nn.layers.BatchNorm2d;
import org.lumen.nn.layers.Conv2d;
import org.lumen.nn.layers.Lambda;
import org.lumen.nn.layers.Linear;
import org.lumen.nn.layers.Sequential;
import org.lumen.nn.module.Init;
import org.lumen.nn.module.Module;
import org.lumen.nn.ops.Functional;

/**
 * torchvision's DenseNet-BC ({@code torchvision.models.densenet}, growth rate 32, bottleneck width 4 x 32, 64
 * stem channels, no dropout). Everything but the head sits in the sequential {@code features}:
 * {@code conv0, norm0, relu0, pool0}, then {@code denseblock1..4} of {@code denselayerM} with a halving
 * {@code transition1..3} between them, and {@code norm5}; the head is the linear {@code classifier}.
 *
 * <p>Each dense layer maps the concatenation of its block's input and all earlier layers' outputs to 32 new
 * channels; a block outputs that whole concatenation, {@code [N, in + layers x 32, H, W]}. A dense layer's
 * output (as an output hook sees it) is therefore its 32 new channels only, as in torchvision.
 *
 * <p>Initialisation as torchvision's: convolutions Kaiming-normal (fan_in), batch norms 1 and 0, the classifier
 * PyTorch's default weight and a zero bias.
 */
public final class DenseNet extends Backbone {
    private static final int GROWTH = 32;
    private static final int BOTTLENECK = 4 * GROWTH;
    private static final int STEM = 64;

    private final Module features;
    private final Module classifier;
    private final List<String> stages = new ArrayList<>();

    private DenseNet(String arch, int[] blockLayers, int numClasses, int inChannels) {
        // Grad-CAM: features, whose output is norm5's (pytorch-grad-cam's model.features[-1])
        super(arch, numClasses, inChannels, "classifier.", "features.conv0.weight", "features");
        Sequential f = new Sequential()
                .add("conv0", conv(inChannels, STEM, 7, 2, 3))
                .add("norm0", new BatchNorm2d(STEM))
                .add("relu0", Lambda.relu())
                .add("pool0", Lambda.maxPool(3, 2, 1, false));
        int channels = STEM;
        for (int b = 0; b < blockLayers.length; b++) {
            f.add("denseblock" + (b + 1), new DenseBlock(blockLayers[b], channels));
            channels += blockLayers[b] * GROWTH;
            if (b < blockLayers.length - 1) {
                f.add("transition" + (b + 1), transition(channels, channels / 2));
                channels /= 2;
            }
        }
        f.add("norm5", new BatchNorm2d(channels));
        features = register("features", f);
        classifier = register("classifier", new Linear(channels, numClasses, null, Init.ZEROS));
        // Every child of features that holds weights is a stage, so freezing the first N leaves no weight
        // before the cut trainable.
        for (var e : f.children().entrySet()) {
            if (!e.getValue().stateDict().isEmpty()) {
                stages.add("features." + e.getKey());
            }
        }
        stages.add("classifier");
    }

    /** Blocks of 6, 12, 24 and 16 layers; 1024 channels into the classifier. */
    public static DenseNet densenet121(int numClasses, int inChannels) {
        return new DenseNet("densenet121", new int[] {6, 12, 24, 16}, numClasses, inChannels);
    }

    /** Blocks of 6, 12, 48 and 32 layers; 1920 channels into the classifier. */
    public static DenseNet densenet201(int numClasses, int inChannels) {
        return new DenseNet("densenet201", new int[] {6, 12, 48, 32}, numClasses, inChannels);
    }

    private static Conv2d conv(int in, int out, int k, int stride, int padding) {
        return new Conv2d(in, out, k, stride, padding, 1, 1, false, Init.kaimingNormalFanIn());
    }

    /** {@code norm, relu, conv} (1x1 to {@code out} channels), {@code pool} (2x2 average): halves H, W and C. */
    private static Sequential transition(int in, int out) {
        return new Sequential()
                .add("norm", new BatchNorm2d(in))
                .add("relu", Lambda.relu())
                .add("conv", conv(in, out, 1, 1, 0))
                .add("pool", Lambda.avgPool(2, 2));
    }

    @Override
    protected NDArray forward(NDArray x) {
        // torchvision applies the last ReLU and the pooling as functions, not modules: nothing here to hook.
        NDArray y = Functional.adaptiveAvgPool2d(Functional.relu(features.apply(x)), 1, 1);
        return classifier.apply(flatten(y));
    }

    /**
     * {@code features.conv0, features.norm0, features.denseblock1, features.transition1, ..., features.norm5,
     * classifier}.
     */
    @Override
    public List<String> stages() {
        return List.copyOf(stages);
    }

    /** {@code denselayer1..L}; input {@code [N, C, H, W]}, output {@code [N, C + L x 32, H, W]}. */
    static final class DenseBlock extends Module {
        DenseBlock(int layers, int in) {
            for (int i = 0; i < layers; i++) {
                register("denselayer" + (i + 1), new DenseLayer(in + i * GROWTH));
            }
        }

        @Override
        protected NDArray forward(NDArray x) {
            // torchvision concatenates the list of all earlier outputs in each layer; growing one running
            // concatenation gives the same tensors with one copy per layer instead of two.
            NDArray all = x;
            for (Module layer : children().values()) {
                all = all.concat(layer.apply(all), 1);
            }
            return all;
        }
    }

    /**
     * Batch norm, ReLU, 1x1 conv to 128 channels, batch norm, ReLU, 3x3 conv to 32:
     * {@code [N, in, H, W] -> [N, 32, H, W]}.
     */
    static final class DenseLayer extends Module {
        private final Module norm1;
        private final Module relu1;
        private final Module conv1;
        private final Module norm2;
        private final Module relu2;
        private final Module conv2;

        DenseLayer(int in) {
            norm1 = register("norm1", new BatchNorm2d(in));
            relu1 = register("relu1", Lambda.relu());
            conv1 = register("conv1", conv(in, BOTTLENECK, 1, 1, 0));
            norm2 = register("norm2", new BatchNorm2d(BOTTLENECK));
            relu2 = register("relu2", Lambda.relu());
            conv2 = register("conv2", conv(BOTTLENECK, GROWTH, 3, 1, 1));
        }

        @Override
        protected NDArray forward(NDArray x) {
            NDArray y = conv1.apply(relu1.apply(norm1.apply(x)));
            return conv2.apply(relu2.apply(norm2.apply(y)));
        }
    }
}
