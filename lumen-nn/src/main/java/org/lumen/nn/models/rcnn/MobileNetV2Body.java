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
 * The body of torchvision 0.14's detection MobileNetV2 ({@code backbone.body} of
 * {@code _mobilenet_extractor(mobilenet_v2(...), fpn=True, ...)}: an {@code IntermediateLayerGetter} over
 * {@code mobilenet_v2().features}, children {@code 0..18} with torchvision's names). torchvision marks each strided
 * inverted residual as a stage start ({@code _is_cn}: blocks 2, 4, 7, 14), so its stage indices are 0, 2, 4, 7, 14,
 * 18 and by default it returns the last two stages: {@code features.14} (160 channels) and {@code features.18}
 * (1,280), both at stride 32 (block 14 is itself the strided one), as FPN levels '0' and '1'.
 */
public final class MobileNetV2Body extends RcnnBody {
    /** torchvision's table: expansion t, output channels c, repeats n, first stride s. */
    private static final int[][] SETTING = {
        {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1},
    };
    /** torchvision's {@code stage_indices}: [0] + (strided blocks, {@code _is_cn}) + [len(features) - 1]. */
    private static final int[] STAGE_INDICES = {0, 2, 4, 7, 14, 18};
    /** The blocks returned: torchvision's {@code returned_layers = [num_stages - 2, num_stages - 1]}. */
    private static final int[] RETURNED = {14, 18};

    private final List<Module> blocks = new ArrayList<>();
    private final boolean frozenNorm;

    /** @param frozenNorm {@link FrozenBatchNorm2d} (pretrained) or a trainable {@code BatchNorm2d} */
    public MobileNetV2Body(boolean frozenNorm) {
        this.frozenNorm = frozenNorm;
        add(convNormAct(3, 32, 3, 2, 1));
        int in = 32;
        for (int[] row : SETTING) {
            for (int i = 0; i < row[2]; i++) {
                add(new InvertedResidual(in, row[1], i == 0 ? row[3] : 1, row[0], this));
                in = row[1];
            }
        }
        add(convNormAct(in, 1280, 1, 1, 1));
    }

    private void add(Module m) {
        blocks.add(register(String.valueOf(blocks.size()), m));
    }

    Module norm(int channels) {
        return frozenNorm ? new FrozenBatchNorm2d(channels) : new org.lumen.nn.layers.BatchNorm2d(channels);
    }

    Sequential convNormAct(int in, int out, int kernel, int stride, int groups) {
        return new Sequential(new Conv2d(in, out, kernel, stride, (kernel - 1) / 2, 1, groups, false,
                Init.kaimingNormalFanOut()), norm(out), Lambda.relu6());
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

    /** torchvision's {@code InvertedResidual} with this body's norms (names {@code conv.0..}). */
    static final class InvertedResidual extends Module {
        private final Module conv;
        private final boolean residual;

        InvertedResidual(int in, int out, int stride, int expansion, MobileNetV2Body owner) {
            int hidden = in * expansion;
            Sequential c = new Sequential();
            if (expansion != 1) {
                c.add(owner.convNormAct(in, hidden, 1, 1, 1));
            }
            c.add(owner.convNormAct(hidden, hidden, 3, stride, hidden));
            c.add(new Conv2d(hidden, out, 1, 1, 0, 1, 1, false, Init.kaimingNormalFanOut()));
            c.add(owner.norm(out));
            conv = register("conv", c);
            residual = stride == 1 && in == out;
        }

        @Override
        protected NDArray forward(NDArray x) {
            NDArray y = conv.apply(x);
            return residual ? x.add(y) : y;
        }
    }
}
