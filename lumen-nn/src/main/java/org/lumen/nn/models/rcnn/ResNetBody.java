package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.LumenException;
import org.lumen.nn.layers.Conv2d;
import org.lumen.nn.layers.Lambda;
import org.lumen.nn.layers.Sequential;
import org.lumen.nn.module.Init;
import org.lumen.nn.module.Module;

/**
 * The body of torchvision's detection ResNets ({@code backbone.body}: an {@code IntermediateLayerGetter} over
 * a ResNet with {@link FrozenBatchNorm2d}): {@code conv1, bn1, relu, maxpool, layer1..layer4}, returning the
 * four stages' outputs (strides 4, 8, 16, 32).
 */
public final class ResNetBody extends RcnnBody {
    private final Module conv1;
    private final Module bn1;
    private final Module[] layers = new Module[4];
    private final int[] channels = new int[4];

    private final boolean frozenNorm;

    /** With {@link FrozenBatchNorm2d} (torchvision's choice for pretrained weights). */
    public ResNetBody(String arch) {
        this(arch, true);
    }

    /**
     * @param frozenNorm {@link FrozenBatchNorm2d} (pretrained weights) or a trainable {@code BatchNorm2d}
     *     (torchvision's choice when neither the detector nor its backbone is pretrained)
     */
    public ResNetBody(String arch, boolean frozenNorm) {
        this.frozenNorm = frozenNorm;
        boolean bottleneck;
        int[] blocks;
        switch (arch) {
            case "resnet18" -> { bottleneck = false; blocks = new int[] {2, 2, 2, 2}; }
            case "resnet34" -> { bottleneck = false; blocks = new int[] {3, 4, 6, 3}; }
            case "resnet50" -> { bottleneck = true; blocks = new int[] {3, 4, 6, 3}; }
            case "resnet101" -> { bottleneck = true; blocks = new int[] {3, 4, 23, 3}; }
            default -> throw LumenException.setting("arch", "no detection body for '" + arch + "'");
        }
        conv1 = register("conv1", conv(3, 64, 7, 2, 3));
        bn1 = register("bn1", norm(64));
        int expansion = bottleneck ? 4 : 1;
        int in = 64;
        for (int i = 0; i < 4; i++) {
            int planes = 64 << i;
            Sequential stage = new Sequential();
            for (int b = 0; b < blocks[i]; b++) {
                int stride = (b == 0 && i > 0) ? 2 : 1;
                stage.add(new Block(in, planes, stride, bottleneck, this));
                in = planes * expansion;
            }
            layers[i] = register("layer" + (i + 1), stage);
            channels[i] = in;
        }
    }

    Module norm(int channels) {
        return frozenNorm ? new FrozenBatchNorm2d(channels) : new org.lumen.nn.layers.BatchNorm2d(channels);
    }

    /** Freezes conv1 and the first {@code 5 - trainable} stages (torchvision's {@code trainable_layers}). */
    @Override
    public void trainableLayers(int trainable) {
        setFrozen(false);
        if (trainable < 5) {
            conv1.setFrozen(true);
            bn1.setFrozen(true);
        }
        for (int i = 0; i < 4 - trainable && i < 4; i++) {
            layers[i].setFrozen(true);
        }
    }

    /** Output channels of layer1..layer4. */
    @Override
    public int[] channels() {
        return channels.clone();
    }

    static Conv2d conv(int in, int out, int k, int stride, int padding) {
        return new Conv2d(in, out, k, stride, padding, 1, 1, false, Init.kaimingNormalFanOut());
    }

    /** The four stage outputs. */
    @Override
    public List<NDArray> stages(NDArray x) {
        NDArray y = convNorm(conv1, bn1, x);
        NDArray r = Lambda.relu().apply(y);
        y = org.lumen.nn.ops.Functional.maxPool2d(r, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, false);
        List<NDArray> out = new ArrayList<>();
        for (Module l : layers) {
            y = l.apply(y);
            out.add(y);
        }
        return out;
    }

    @Override
    protected NDArray forward(NDArray x) {
        return stages(x).get(3);
    }

    /**
     * {@code norm(conv(x))}; at inference with nothing watching, a frozen norm is folded into the convolution
     * ({@link FrozenBatchNorm2d#foldedInto}). Training keeps the two steps, as torchvision runs them.
     */
    NDArray convNorm(Module conv, Module norm, NDArray x) {
        if (!isTraining() && !watched() && norm instanceof FrozenBatchNorm2d f && conv instanceof Conv2d c) {
            return f.foldedInto(c, x);
        }
        return consume(norm, conv.apply(x));
    }

    /** BasicBlock or Bottleneck with frozen batch norms, torchvision's names. */
    static final class Block extends Module {
        private final List<Module[]> convs = new ArrayList<>();
        private final Sequential downsample;

        private final ResNetBody owner;

        Block(int in, int planes, int stride, boolean bottleneck, ResNetBody owner) {
            this.owner = owner;
            int out = bottleneck ? planes * 4 : planes;
            if (bottleneck) {
                add(1, conv(in, planes, 1, 1, 0), planes);
                add(2, conv(planes, planes, 3, stride, 1), planes);
                add(3, conv(planes, out, 1, 1, 0), out);
            } else {
                add(1, conv(in, planes, 3, stride, 1), planes);
                add(2, conv(planes, planes, 3, 1, 1), planes);
            }
            downsample = stride != 1 || in != out
                    ? register("downsample", new Sequential(conv(in, out, 1, stride, 0), owner.norm(out)))
                    : null;
        }

        private void add(int i, Conv2d c, int ch) {
            Module conv = register("conv" + i, c);
            Module bn = register("bn" + i, owner.norm(ch));
            convs.add(new Module[] {conv, bn});
        }

        @Override
        protected NDArray forward(NDArray x) {
            NDArray y = x;
            for (int i = 0; i < convs.size(); i++) {
                NDArray c = owner.convNorm(convs.get(i)[0], convs.get(i)[1], y);
                if (y != x) {
                    release(y);
                }
                y = c;
                if (i < convs.size() - 1) {
                    NDArray r = org.lumen.nn.ops.Functional.relu(y);
                    release(y);
                    y = r;
                }
            }
            NDArray identity = downsample == null ? x : owner.convNorm(downsample.get(0), downsample.get(1), x);
            NDArray sum = addInto(y, identity);
            if (identity != x) {
                release(identity);
            }
            NDArray out = org.lumen.nn.ops.Functional.relu(sum);
            release(sum);
            return out;
        }
    }
}
