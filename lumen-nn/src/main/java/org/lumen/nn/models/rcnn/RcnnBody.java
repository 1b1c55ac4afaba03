package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.function.IntFunction;
import org.lumen.nn.layers.BatchNorm2d;
import org.lumen.nn.layers.FrozenBatchNorm2d;
import org.lumen.nn.module.Module;

/**
 * What {@link FasterRcnn} needs of its {@code backbone.body}: the chosen stages' outputs (finest first, each
 * stride a power of two), their channel counts (the FPN's inputs) and torchvision's {@code trainable_layers}.
 * A body is a module, registered as {@code backbone.body}; {@link ResNetBody} and {@link MobileNetV2Body} are
 * the two torchvision builds.
 */
public abstract class RcnnBody extends Module {
    /**
     * torchvision's body for a detector named after {@code arch}: {@link MobileNetV2Body} for
     * {@code mobilenet_v2}, else {@link ResNetBody} ({@code resnet18/34/50/101}; any other name is refused there).
     *
     * @param frozenNorm {@link FrozenBatchNorm2d} (pretrained) or trainable batch norms (from scratch)
     */
    public static RcnnBody forArch(String arch, boolean frozenNorm) {
        return "mobilenet_v2".equals(arch) ? new MobileNetV2Body(frozenNorm) : new ResNetBody(arch, frozenNorm);
    }

    /**
     * The norm layer a body is built with (torchvision's {@code norm_layer}): {@link FrozenBatchNorm2d} for
     * pretrained weights, else a trainable {@code BatchNorm2d} (torchvision's choice when neither the detector nor
     * its backbone is pretrained).
     */
    static IntFunction<Module> normLayer(boolean frozenNorm) {
        return frozenNorm ? FrozenBatchNorm2d::new : BatchNorm2d::new;
    }

    /** The returned stages' outputs, finest first. */
    public abstract List<NDArray> stages(NDArray x);

    /** Channels of each returned stage. */
    public abstract int[] channels();

    /** torchvision's {@code trainable_layers} for this kind of body. */
    public abstract void trainableLayers(int trainable);
}
