package org.lumen.nn.models.backbone;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.lumen.nn.layers.Conv2d;
import org.lumen.nn.layers.Dropout;
import org.lumen.nn.layers.Lambda;
import org.lumen.nn.layers.Linear;
import org.lumen.nn.layers.Sequential;
import org.lumen.nn.module.Init;
import org.lumen.nn.module.Module;

/**
 * torchvision's VGG without batch norm ({@code torchvision.models.vgg}, configurations "D" and "E"). The
 * sequential {@code features} holds each 3x3 convolution (padding 1, with bias) followed by its ReLU, and a 2x2
 * max pool after each of the five blocks, every one at its own index ({@code features.0} is the first
 * convolution, {@code features.1} its ReLU); then {@code avgpool} (adaptive, to 7x7) and the sequential
 * {@code classifier}: {@code Linear(25088, 4096), ReLU, Dropout, Linear(4096, 4096), ReLU, Dropout,
 * Linear(4096, numClasses)} at indices 0..6.
 *
 * <p>Initialisation as torchvision's: convolutions Kaiming-normal (fan_out), linear weights Normal(0, 0.01),
 * every bias 0.
 */
public final class VGG extends Backbone {
    /** A max pool in a configuration; any other entry is a convolution's output channels. */
    private static final int POOL = 0;

    private final Sequential features;
    private final Module avgpool;
    private final Module classifier;
    private final List<String> stages = new ArrayList<>();

    private VGG(String arch, int[] config, int numClasses, int inChannels) {
        // Grad-CAM: the last max pool (features.30 for vgg16, features.36 for vgg19): pytorch-grad-cam's
        // model.features[-1], a 7x7 map at 224x224
        super(arch, numClasses, inChannels, "classifier.6.", "features.0.weight",
                "features." + (layers(config) - 1));
        Sequential f = new Sequential();
        int channels = inChannels;
        for (int v : config) {
            if (v == POOL) {
                f.add(Lambda.maxPool(2, 2, 0, false));
            } else {
                stages.add("features." + f.size());
                f.add(new Conv2d(channels, v, 3, 1, 1, 1, 1, true, Init.kaimingNormalFanOut()));
                f.add(Lambda.relu());
                channels = v;
            }
        }
        features = register("features", f);
        avgpool = register("avgpool", Lambda.adaptiveAvgPool(7, 7));
        classifier = register("classifier", new Sequential(
                linear(channels * 7 * 7, 4096), Lambda.relu(), new Dropout(0.5),
                linear(4096, 4096), Lambda.relu(), new Dropout(0.5),
                linear(4096, numClasses)));
        stages.addAll(List.of("classifier.0", "classifier.3", "classifier.6"));
    }

    /** Configuration "D": 13 convolutions in blocks of 2, 2, 3, 3, 3. */
    public static VGG vgg16(int numClasses, int inChannels) {
        return new VGG("vgg16", new int[] {64, 64, POOL, 128, 128, POOL, 256, 256, 256, POOL,
                512, 512, 512, POOL, 512, 512, 512, POOL}, numClasses, inChannels);
    }

    /** Configuration "E": 16 convolutions in blocks of 2, 2, 4, 4, 4. */
    public static VGG vgg19(int numClasses, int inChannels) {
        return new VGG("vgg19", new int[] {64, 64, POOL, 128, 128, POOL, 256, 256, 256, 256, POOL,
                512, 512, 512, 512, POOL, 512, 512, 512, 512, POOL}, numClasses, inChannels);
    }

    /** How many modules {@code features} holds for a configuration: a pool, or a convolution and its ReLU. */
    private static int layers(int[] config) {
        int n = 0;
        for (int v : config) {
            n += v == POOL ? 1 : 2;
        }
        return n;
    }

    private static Linear linear(int in, int out) {
        return new Linear(in, out, Init.normal(0.01), Init.ZEROS);
    }

    @Override
    protected NDArray forward(NDArray x) {
        NDArray y = avgpool.apply(features.apply(x));
        return classifier.apply(flatten(y));
    }

    /** Each convolution ({@code features.0, features.2, features.5, ...}), then {@code classifier.0, .3, .6}. */
    @Override
    public List<String> stages() {
        return List.copyOf(stages);
    }
}
