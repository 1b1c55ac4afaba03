package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.LumenException;
import org.lumen.nn.layers.FrozenBatchNorm2d;
import org.lumen.nn.models.backbone.ResNet;

/**
 * The body of torchvision's detection ResNets ({@code backbone.body}: an {@code IntermediateLayerGetter} over
 * a ResNet with {@link FrozenBatchNorm2d}): the classification {@link ResNet} built with the body's norm layer,
 * of which it keeps {@code conv1, bn1, relu, maxpool, layer1..layer4} (not {@code avgpool} and {@code fc}),
 * returning the four stages' outputs (strides 4, 8, 16, 32).
 */
public final class ResNetBody extends RcnnBody {
    private static final List<String> KEPT =
            List.of("conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4");

    private final ResNet net;

    /** With {@link FrozenBatchNorm2d} (torchvision's choice for pretrained weights). */
    public ResNetBody(String arch) {
        this(arch, true);
    }

    /**
     * @param frozenNorm {@link FrozenBatchNorm2d} (pretrained weights) or a trainable {@code BatchNorm2d}
     *     (torchvision's choice when neither the detector nor its backbone is pretrained)
     */
    public ResNetBody(String arch, boolean frozenNorm) {
        // torchvision builds the classifier (1,000 classes, three channels) and keeps its trunk; the head here is
        // never registered, so never allocated
        net = ResNet.create(arch, 1000, 3, normLayer(frozenNorm));
        if (net == null) {
            throw LumenException.setting("arch", "no detection body for '" + arch + "'");
        }
        for (String child : KEPT) {
            register(child, net.find(child));
        }
    }

    /** Freezes conv1 and the first {@code 5 - trainable} stages (torchvision's {@code trainable_layers}). */
    @Override
    public void trainableLayers(int trainable) {
        setFrozen(false);
        if (trainable < 5) {
            find("conv1").setFrozen(true);
            find("bn1").setFrozen(true);
        }
        for (int i = 0; i < 4 - trainable && i < 4; i++) {
            find("layer" + (i + 1)).setFrozen(true);
        }
    }

    /** Output channels of layer1..layer4. */
    @Override
    public int[] channels() {
        return net.layerChannels();
    }

    /**
     * The four stage outputs. At inference with nothing watching, each frozen norm is folded into its
     * convolution ({@link FrozenBatchNorm2d#convNorm}); training keeps the two steps, as torchvision runs them.
     */
    @Override
    public List<NDArray> stages(NDArray x) {
        List<NDArray> out = new ArrayList<>();
        net.trunk(x, out);
        return out;
    }

    @Override
    protected NDArray forward(NDArray x) {
        return stages(x).get(3);
    }
}
