package org.lumen.nn.models.backbone;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.lumen.nn.layers.BatchNorm2d;
import org.lumen.nn.layers.Conv2d;
import org.lumen.nn.layers.FrozenBatchNorm2d;
import org.lumen.nn.layers.Lambda;
import org.lumen.nn.layers.Linear;
import org.lumen.nn.layers.Sequential;
import org.lumen.nn.module.Init;
import org.lumen.nn.module.Module;

/**
 * torchvision's ResNet ({@code torchvision.models.resnet}): stem {@code conv1, bn1, relu, maxpool}, stages
 * {@code layer1..layer4} of BasicBlocks (18, 34) or Bottlenecks (50, 101; stride on the 3x3 convolution, "v1.5"),
 * {@code avgpool} and {@code fc}. Convolutions start from Kaiming-normal (fan_out), batch norms from 1 and 0.
 * Like torchvision's {@code norm_layer}, the norm after each convolution is a choice: {@code BatchNorm2d} for the
 * classifiers, {@link FrozenBatchNorm2d} for the detection bodies built on {@link #trunk}.
 */
public final class ResNet extends Backbone {
    private final Module conv1;
    private final Module bn1;
    private final Module relu;
    private final Module maxpool;
    private final Module avgpool;
    private final Module[] layers = new Module[4];
    private final int[] layerChannels = new int[4];
    private final Module fc;

    private ResNet(String arch, boolean bottleneck, int[] blocks, int numClasses, int inChannels,
            IntFunction<Module> norm) {
        super(arch, numClasses, inChannels, "fc.", "conv1.weight", "layer4");
        conv1 = register("conv1", conv(inChannels, 64, 7, 2, 3));
        bn1 = register("bn1", norm.apply(64));
        relu = register("relu", Lambda.relu());
        maxpool = register("maxpool", Lambda.maxPool(3, 2, 1, false));
        int in = 64;
        for (int i = 0; i < 4; i++) {
            int planes = 64 << i;
            Sequential stage = new Sequential();
            for (int b = 0; b < blocks[i]; b++) {
                int stride = (b == 0 && i > 0) ? 2 : 1;
                Block block = new Block(in, planes, stride, bottleneck, norm);
                stage.add(block);
                in = block.out;
            }
            layers[i] = register("layer" + (i + 1), stage);
            layerChannels[i] = in;
        }
        avgpool = register("avgpool", Lambda.adaptiveAvgPool(1, 1));
        fc = register("fc", new Linear(in, numClasses));
    }

    public static ResNet resnet18(int numClasses, int inChannels) {
        return create("resnet18", numClasses, inChannels, BatchNorm2d::new);
    }

    public static ResNet resnet34(int numClasses, int inChannels) {
        return create("resnet34", numClasses, inChannels, BatchNorm2d::new);
    }

    public static ResNet resnet50(int numClasses, int inChannels) {
        return create("resnet50", numClasses, inChannels, BatchNorm2d::new);
    }

    public static ResNet resnet101(int numClasses, int inChannels) {
        return create("resnet101", numClasses, inChannels, BatchNorm2d::new);
    }

    /**
     * {@code resnet18/34/50/101} with {@code norm} after every convolution (torchvision's {@code norm_layer}), or
     * null for any other name.
     */
    public static ResNet create(String arch, int numClasses, int inChannels, IntFunction<Module> norm) {
        return switch (arch) {
            case "resnet18" -> new ResNet(arch, false, new int[] {2, 2, 2, 2}, numClasses, inChannels, norm);
            case "resnet34" -> new ResNet(arch, false, new int[] {3, 4, 6, 3}, numClasses, inChannels, norm);
            case "resnet50" -> new ResNet(arch, true, new int[] {3, 4, 6, 3}, numClasses, inChannels, norm);
            case "resnet101" -> new ResNet(arch, true, new int[] {3, 4, 23, 3}, numClasses, inChannels, norm);
            default -> null;
        };
    }

    static Conv2d conv(int in, int out, int k, int stride, int padding) {
        return new Conv2d(in, out, k, stride, padding, 1, 1, false, Init.kaimingNormalFanOut());
    }

    /** Output channels of {@code layer1..layer4} (64 to 512, four times that with Bottlenecks). */
    public int[] layerChannels() {
        return layerChannels.clone();
    }

    /**
     * The feature extractor: the stem and {@code layer1..layer4} on {@code x}, giving {@code layer4}'s output
     * {@code [N, C4, H/32, W/32]}. With {@code outputs} given, each layer's output is added to it and kept;
     * without, each is freed once the next layer has read it.
     */
    public NDArray trunk(NDArray x, List<NDArray> outputs) {
        NDArray y = consume(maxpool, consume(relu, FrozenBatchNorm2d.convNorm(conv1, bn1, x)));
        for (Module layer : layers) {
            if (outputs == null) {
                y = consume(layer, y);
            } else {
                y = layer.apply(y);
                outputs.add(y);
            }
        }
        return y;
    }

    @Override
    protected NDArray forward(NDArray x) {
        NDArray y = consume(avgpool, trunk(x, null));
        return fc.apply(flatten(y));
    }

    @Override
    public List<String> stages() {
        return List.of("conv1+bn1", "layer1", "layer2", "layer3", "layer4", "fc");
    }

    /**
     * torchvision's BasicBlock (two 3x3 convolutions: {@code conv1, bn1, relu, conv2, bn2}) or Bottleneck (1x1
     * reduce, 3x3 strided, 1x1 expand by 4: {@code conv1, bn1, conv2, bn2, conv3, bn3, relu}), and a shortcut
     * {@code downsample} (1x1 convolution + norm) where the shape changes. Each norm follows its convolution by
     * {@link FrozenBatchNorm2d#convNorm}.
     */
    static final class Block extends Module {
        private final List<Module[]> convs = new ArrayList<>();
        private final Module relu;
        private final Sequential downsample;
        private final int out;

        Block(int in, int planes, int stride, boolean bottleneck, IntFunction<Module> norm) {
            out = bottleneck ? planes * 4 : planes;
            if (bottleneck) {
                add(1, conv(in, planes, 1, 1, 0), norm.apply(planes));
                add(2, conv(planes, planes, 3, stride, 1), norm.apply(planes));
                add(3, conv(planes, out, 1, 1, 0), norm.apply(out));
                relu = register("relu", Lambda.relu());
            } else {
                add(1, conv(in, planes, 3, stride, 1), norm.apply(planes));
                relu = register("relu", Lambda.relu());
                add(2, conv(planes, planes, 3, 1, 1), norm.apply(planes));
            }
            downsample = stride != 1 || in != out
                    ? register("downsample", new Sequential(conv(in, out, 1, stride, 0), norm.apply(out)))
                    : null;
        }

        private void add(int i, Conv2d c, Module norm) {
            convs.add(new Module[] {register("conv" + i, c), register("bn" + i, norm)});
        }

        @Override
        protected NDArray forward(NDArray x) {
            NDArray y = x;
            for (int i = 0; i < convs.size(); i++) {
                NDArray c = FrozenBatchNorm2d.convNorm(convs.get(i)[0], convs.get(i)[1], y);
                if (y != x) {
                    release(y);
                }
                y = i < convs.size() - 1 ? consume(relu, c) : c;
            }
            // with hooks about, the shortcut runs as its module (a hook on it fires), else conv and norm directly
            NDArray identity = downsample == null ? x : watched() ? downsample.apply(x)
                    : FrozenBatchNorm2d.convNorm(downsample.get(0), downsample.get(1), x);
            NDArray sum = addInto(y, identity);
            if (identity != x) {
                release(identity);
            }
            return consume(relu, sum);
        }
    }
}
