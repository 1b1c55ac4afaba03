package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import java.util.List;
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
     * @param frozenNorm {@link org.lumen.nn.layers.FrozenBatchNorm2d} (pretrained) or trainable batch norms (from scratch)
     */
    public static RcnnBody forArch(String arch, boolean frozenNorm) {
        return "mobilenet_v2".equals(arch) ? new MobileNetV2Body(frozenNorm) : new ResNetBody(arch, frozenNorm);
    }

    /** The returned stages' outputs, finest first. */
    public abstract List<NDArray> stages(NDArray x);

    /** Channels of each returned stage. */
    public abstract int[] channels();

    /** torchvision's {@code trainable_layers} for this kind of body. */
    public abstract void trainableLayers(int trainable);
}
