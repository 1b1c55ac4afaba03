package org.lumen.nn.layers;

import ai.djl.ndarray.NDArray;

/**
 * torchvision's ConvNeXt {@code LayerNorm2d}: a {@link LayerNorm} over the channels of an NCHW input, each pixel
 * normalised on its own ({@code [N, C, H, W]} in and out; parameters {@code weight [C]}, {@code bias [C]}).
 */
public final class LayerNorm2d extends LayerNorm {
    public LayerNorm2d(int channels, double eps) {
        super(channels, eps);
    }

    @Override
    protected NDArray forward(NDArray x) {
        // layer_norm normalises trailing dimensions, so channels go last and come back
        return super.forward(x.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2);
    }
}
