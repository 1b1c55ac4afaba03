package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lumen.core.LumenException;
import org.lumen.nn.layers.FrozenBatchNorm2d;
import org.lumen.nn.models.backbone.MobileNetV2;
import org.lumen.nn.module.Module;

/**
 * The body of torchvision 0.14's detection MobileNetV2 ({@code backbone.body} of
 * {@code _mobilenet_extractor(mobilenet_v2(...), fpn=True, ...)}: an {@code IntermediateLayerGetter} over
 * {@code mobilenet_v2(norm_layer=...).features}: the classification {@link MobileNetV2}'s features, children
 * {@code 0..18} with torchvision's names). torchvision marks each strided
 * inverted residual as a stage start ({@code _is_cn}: blocks 2, 4, 7, 14), so its stage indices are 0, 2, 4, 7, 14,
 * 18 and by default it returns the last two stages: {@code features.14} (160 channels) and {@code features.18}
 * (1,280), both at stride 32 (block 14 is itself the strided one), as FPN levels '0' and '1'.
 */
public final class MobileNetV2Body extends RcnnBody {
    /** torchvision's {@code stage_indices}: [0] + (strided blocks, {@code _is_cn}) + [len(features) - 1]. */
    private static final int[] STAGE_INDICES = {0, 2, 4, 7, 14, 18};
    /** The blocks returned: torchvision's {@code returned_layers = [num_stages - 2, num_stages - 1]}. */
    private static final int[] RETURNED = {14, 18};

    private final List<Module> blocks = new ArrayList<>();

    /** @param frozenNorm {@link FrozenBatchNorm2d} (pretrained) or a trainable {@code BatchNorm2d} */
    public MobileNetV2Body(boolean frozenNorm) {
        // the classifier's features with the body's norm layer; its head is never registered, so never allocated
        MobileNetV2 net = MobileNetV2.create(1000, 3, normLayer(frozenNorm));
        for (Map.Entry<String, Module> e : net.features().children().entrySet()) {
            blocks.add(register(e.getKey(), e.getValue()));
        }
    }

    /**
     * torchvision's {@code _mobilenet_extractor}: {@code trainable_layers} in [0, 6], blocks before
     * {@code stage_indices[6 - trainable]} frozen (0: all): 3 (its detectors' default) freezes {@code 0..6},
     * 6 none.
     */
    @Override
    public void trainableLayers(int trainable) {
        if (trainable < 0 || trainable > STAGE_INDICES.length) {
            throw new LumenException("trainable_layers", "must be in [0, " + STAGE_INDICES.length
                    + "] for mobilenet_v2, got " + trainable);
        }
        setFrozen(false);
        int freezeBefore = trainable == 0 ? blocks.size() : STAGE_INDICES[STAGE_INDICES.length - trainable];
        for (int i = 0; i < freezeBefore; i++) {
            blocks.get(i).setFrozen(true);
        }
    }

    @Override
    public int[] channels() {
        return new int[] {160, 1280};
    }

    @Override
    public List<NDArray> stages(NDArray x) {
        List<NDArray> out = new ArrayList<>();
        NDArray y = x;
        int next = 0;
        for (int i = 0; i < blocks.size(); i++) {
            y = blocks.get(i).apply(y);
            if (i == RETURNED[next]) {
                out.add(y);
                next++;
            }
        }
        return out;
    }

    @Override
    protected NDArray forward(NDArray x) {
        List<NDArray> s = stages(x);
        return s.get(s.size() - 1);
    }
}
