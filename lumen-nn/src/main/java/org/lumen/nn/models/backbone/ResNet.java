package org.lumen.nn.models.backbone;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.lumen.nn.layers.BatchNorm2d;
import org.lumen.nn.layers.Conv2d;
import org.lumen.nn.layers.Lambda;
import org.lumen.nn.layers.Linear;
import org.lumen.nn.layers.Sequential;
import org.lumen.nn.module.Init;
import org.lumen.nn.module.Module;

/**
 * torchvision's ResNet ({@code torchvision.models.resnet}): stem {@code conv1, bn1, relu, maxpool}, stages
 * {@code layer1..layer4} of BasicBlocks (18, 34) or Bottlenecks (50, 101; stride on the 3x3 convolution, "v1.5"),
 * {@code avgpool} and {@code fc}. Convolutions start from Kaiming-normal (fan_out), batch norms from 1 and 0.
 */
public final class ResNet extends Backbone {
    private final Module conv1;
    private final Module bn1;
    private final Module relu;
    private final Module maxpool;
    private final Module avgpool;
    private final Module[] layers = new Module[4];
    private final Module fc;

    private ResNet(String arch, boolean bottleneck, int[] blocks, int numClasses, int inChannels) {
        super(arch, numClasses, inChannels, "fc.", "conv1.weight", "layer4");
        conv1 = register("conv1", conv(inChannels, 64, 7, 2, 3));
        bn1 = register("bn1", new BatchNorm2d(64));
        relu = register("relu", Lambda.relu());
        maxpool = register("maxpool", Lambda.maxPool(3, 2, 1, false));
        int expansion = bottleneck ? 4 : 1;
        int in = 64;
        for (int i = 0; i < 4; i++) {
            int planes = 64 << i;
            Sequential stage = new Sequential();
            for (int b = 0; b < blocks[i]; b++) {
                int stride = (b == 0 && i > 0) ? 2 : 1;
                stage.add(bottleneck ? new Bottleneck(in, planes, stride) : new BasicBlock(in, planes, stride));
                in = planes * expansion;
            }
            layers[i] = register("layer" + (i + 1), stage);
        }
        avgpool = register("avgpool", Lambda.adaptiveAvgPool(1, 1));
        fc = register("fc", new Linear(512 * expansion, numClasses));
    }

    public static ResNet resnet18(int numClasses, int inChannels) {
        return new ResNet("resnet18", false, new int[] {2, 2, 2, 2}, numClasses, inChannels);
    }

    public static ResNet resnet34(int numClasses, int inChannels) {
        return new ResNet("resnet34", false, new int[] {3, 4, 6, 3}, numClasses, inChannels);
    }

    public static ResNet resnet50(int numClasses, int inChannels) {
        return new ResNet("resnet50", true, new int[] {3, 4, 6, 3}, numClasses, inChannels);
    }

    public static ResNet resnet101(int numClasses, int inChannels) {
        return new ResNet("resnet101", true, new int[] {3, 4, 23, 3}, numClasses, inChannels);
    }

    static Conv2d conv(int in, int out, int k, int stride, int padding) {
        return new Conv2d(in, out, k, stride, padding, 1, 1, false, Init.kaimingNormalFanOut());
    }

    @Override
    protected NDArray forward(NDArray x) {
        NDArray y = consume(maxpool, consume(relu, consume(bn1, conv1.apply(x))));
        for (Module layer : layers) {
            y = consume(layer, y);
        }
        y = consume(avgpool, y);
        return fc.apply(flatten(y));
    }

    @Override
    public List<String> stages() {
        return List.of("conv1+bn1", "layer1", "layer2", "layer3", "layer4", "fc");
    }

    /** Two 3x3 convolutions and a shortcut (1x1 convolution + batch norm where the shape changes). */
    static final class BasicBlock extends Module {
        private final Module conv1;
        private final Module bn1;
        private final Module relu;
        private final Module conv2;
        private final Module bn2;
        private final Module downsample;

        BasicBlock(int in, int planes, int stride) {
            conv1 = register("conv1", conv(in, planes, 3, stride, 1));
            bn1 = register("bn1", new BatchNorm2d(planes));
            relu = register("relu", Lambda.relu());
            conv2 = register("conv2", conv(planes, planes, 3, 1, 1));
            bn2 = register("bn2", new BatchNorm2d(planes));
            downsample = stride != 1 || in != planes
                    ? register("downsample", new Sequential(conv(in, planes, 1, stride, 0), new BatchNorm2d(planes)))
                    : null;
        }

        @Override
        protected NDArray forward(NDArray x) {
            NDArray out = consume(bn2, consume(conv2, consume(relu, consume(bn1, conv1.apply(x)))));
            NDArray identity = downsample == null ? x : downsample.apply(x);
            NDArray sum = addInto(out, identity);
            if (identity != x) {
                release(identity);
            }
            return consume(relu, sum);
        }
    }

    /** 1x1 reduce, 3x3 (strided), 1x1 expand by 4, and a shortcut. */
    static final class Bottleneck extends Module {
        private final Module conv1;
        private final Module bn1;
        private final Module conv2;
        private final Module bn2;
        private final Module conv3;
        private final Module bn3;
        private final Module relu;
        private final Module downsample;

        Bottleneck(int in, int planes, int stride) {
            int out = planes * 4;
            conv1 = register("conv1", conv(in, planes, 1, 1, 0));
            bn1 = register("bn1", new BatchNorm2d(planes));
            conv2 = register("conv2", conv(planes, planes, 3, stride, 1));
            bn2 = register("bn2", new BatchNorm2d(planes));
            conv3 = register("conv3", conv(planes, out, 1, 1, 0));
            bn3 = register("bn3", new BatchNorm2d(out));
            relu = register("relu", Lambda.relu());
            downsample = stride != 1 || in != out
                    ? register("downsample", new Sequential(conv(in, out, 1, stride, 0), new BatchNorm2d(out)))
                    : null;
        }

        @Override
        protected NDArray forward(NDArray x) {
            NDArray y = consume(relu, consume(bn1, conv1.apply(x)));
            y = consume(relu, consume(bn2, consume(conv2, y)));
            y = consume(bn3, consume(conv3, y));
            NDArray identity = downsample == null ? x : downsample.apply(x);
            NDArray sum = addInto(y, identity);
            if (identity != x) {
                release(identity);
            }
            return consume(relu, sum);
        }
    }
}
