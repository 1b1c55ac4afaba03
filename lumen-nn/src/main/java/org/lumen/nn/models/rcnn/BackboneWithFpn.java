package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.lumen.nn.module.Module;
import org.lumen.nn.ops.InferenceLayout;

/**
 * torchvision's {@code BackboneWithFPN}: a {@link RcnnBody} ({@code body}) and a {@link FeaturePyramidNetwork} on
 * its stages ({@code fpn}). A transformed batch {@code [N, 3, H, W]} gives the FPN's levels {@code [N, 256, h, w]},
 * finest first, the max-pooled extra level last (for a ResNet strides 4 to 64; for MobileNetV2 32, 32 and 64).
 */
public final class BackboneWithFpn extends Module {
    private final RcnnBody body;
    private final FeaturePyramidNetwork fpn;

    public BackboneWithFpn(RcnnBody body) {
        this.body = register("body", body);
        this.fpn = register("fpn", new FeaturePyramidNetwork(body.channels()));
    }

    public RcnnBody body() {
        return body;
    }

    /** The FPN levels the body gives, the pooled one excluded (what the RoI heads pool from). */
    public int bodyLevels() {
        return body.channels().length;
    }

    /** FPN outputs ('0', '1', ... then 'pool') of a transformed batch. */
    public List<NDArray> features(NDArray x) {
        // inference runs channels-last where InferenceLayout allows (about a quarter off the body, FPN and box head at
        // 800 px). Training keeps the default layout, whose numbers the loss parity tests pin down: channels-last
        // features differ from them by ~1e-6, enough for MobileNet's test to keep 1,296 proposals instead of 1,295
        // and its box loss to move by 7% (in PyTorch 1.13 the layout leaves the losses unchanged); and libtorch
        // 2.7's channels-last weight gradients stray from the default layout's (vgg16: by 10%)
        return fpn.pyramid(body.stages(isTraining() ? x : InferenceLayout.of(x)));
    }

    @Override
    protected NDArray forward(NDArray x) {
        throw new UnsupportedOperationException("use features()");
    }
}
