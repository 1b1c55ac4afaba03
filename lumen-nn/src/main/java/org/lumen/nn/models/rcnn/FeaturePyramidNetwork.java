package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import org.lumen.nn.layers.Conv2d;
import org.lumen.nn.layers.Sequential;
import org.lumen.nn.module.Init;
import org.lumen.nn.module.Module;
import org.lumen.nn.ops.Functional;

/**
 * torchvision's {@code FeaturePyramidNetwork} with its {@code LastLevelMaxPool} extra block, under its names
 * {@code inner_blocks.<i>.0} (1x1 convolutions from each body stage's channels to 256) and
 * {@code layer_blocks.<i>.0} (3x3 convolutions, 256 to 256): top-down, each coarser result upsampled to the finer
 * lateral by nearest neighbour and added, then smoothed by the 3x3 convolution. Input: the body's stages
 * {@code [N, C_i, H_i, W_i]}, finest first; output: as many maps {@code [N, 256, H_i, W_i]} (torchvision's levels
 * {@code '0'}, {@code '1'}, ...) and the last one max-pooled with stride 2 ({@code 'pool'}). The convolutions start
 * as torchvision's ({@code kaiming_uniform_(a=1)}, zero bias).
 */
public final class FeaturePyramidNetwork extends Module {
    /** torchvision's FPN width. */
    public static final int OUT_CHANNELS = 256;

    private final Sequential inner;
    private final Sequential layer;

    /** @param inChannels channels of each body stage, finest first */
    public FeaturePyramidNetwork(int[] inChannels) {
        inner = register("inner_blocks", new Sequential());
        layer = register("layer_blocks", new Sequential());
        Init init = (shape, random) -> Init.uniform(Math.sqrt(3.0 / Init.fanIn(shape))).values(shape, random);
        for (int c : inChannels) {
            inner.add(new Sequential(new Conv2d(c, OUT_CHANNELS, 1, 1, 0, 1, 1, true, init)));
            layer.add(new Sequential(new Conv2d(OUT_CHANNELS, OUT_CHANNELS, 3, 1, 1, 1, 1, true, init)));
        }
    }

    /** The pyramid of {@code stages} (finest first): one map per stage, then the max-pooled extra level. */
    public List<NDArray> pyramid(List<NDArray> stages) {
        int n = stages.size();
        NDArray[] results = new NDArray[n];
        NDArray last = inner.get(n - 1).apply(stages.get(n - 1));
        results[n - 1] = layer.get(n - 1).apply(last);
        for (int i = n - 2; i >= 0; i--) {
            NDArray lateral = inner.get(i).apply(stages.get(i));
            long h = lateral.getShape().get(2);
            long w = lateral.getShape().get(3);
            NDArray top = nearest(last, (int) h, (int) w);
            last = addInto(lateral, top); // the 1x1 conv's output, used nowhere else
            release(top);
            results[i] = layer.get(i).apply(last);
        }
        List<NDArray> out = new ArrayList<>(List.of(results));
        out.add(Functional.maxPool2d(results[n - 1], new int[] {1, 1}, new int[] {2, 2}, new int[] {0, 0}, false));
        return out;
    }

    /** {@code F.interpolate(mode="nearest", size=(h, w))}: source index floor(dst * in / out). */
    private static NDArray nearest(NDArray x, int h, int w) {
        long ih = x.getShape().get(2);
        long iw = x.getShape().get(3);
        if (h == 2 * ih && w == 2 * iw) {
            return Functional.upsampleNearest2x(x);
        }
        long[] ys = new long[h];
        long[] xs = new long[w];
        for (int i = 0; i < h; i++) {
            ys[i] = Math.min(ih - 1, (long) Math.floor(i * ((float) ih / h)));
        }
        for (int i = 0; i < w; i++) {
            xs[i] = Math.min(iw - 1, (long) Math.floor(i * ((float) iw / w)));
        }
        NDManager m = x.getManager();
        return x.get(new NDIndex(":, :, {}", m.create(ys))).get(new NDIndex(":, :, :, {}", m.create(xs)));
    }

    @Override
    protected NDArray forward(NDArray x) {
        throw new UnsupportedOperationException("use pyramid()");
    }
}
