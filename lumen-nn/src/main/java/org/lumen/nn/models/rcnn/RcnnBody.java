package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * What {@link FasterRcnn} needs of its {@code backbone.body}: the chosen stages' outputs (finest first, each
 * stride a power of two), their channel counts (the FPN's inputs) and torchvision's {@code trainable_layers}.
 */
public interface RcnnBody {
    /** The returned stages' outputs, finest first. */
    List<NDArray> stages(NDArray x);

    /** Channels of each returned stage. */
    int[] channels();

    /** torchvision's {@code trainable_layers} for this kind of body. */
    void trainableLayers(int trainable);
}
