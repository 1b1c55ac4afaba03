package org.lumen.nn.models.segmentation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;
import org.lumen.nn.module.Module;
import org.lumen.nn.ops.Functional;

/**
 * The classic U-Net (Ronneberger, Fischer and Brox 2015) with padded convolutions and batch norm: an encoder of
 * {@code depth} 2x2 max-pool steps, each followed by a double 3x3 convolution that doubles the width (from
 * {@code width} at full resolution), and a mirror-image decoder that upsamples, concatenates the encoder's
 * feature map of the same resolution and applies a double convolution back to that map's width; a 1x1
 * convolution gives the class logits.
 *
 * <p>Two choices differ from the paper: convolutions are padded (the output has the input's size, so no
 * cropping and no overlap-tile), and the decoder upsamples by bilinear interpolation to the skip connection's
 * exact size, not by a 2x2 transposed convolution, so any input size works (odd sizes included) and the
 * checkerboard artefacts of transposed convolutions cannot appear.
 *
 * <p>Modules: {@code inc}, {@code down1..down<depth>}, {@code up1..up<depth>} (each a {@code Sequential} of
 * conv, bn, relu, conv, bn, relu), {@code outc}.
 */
public final class UNet extends SegmentationModel {
    private final Module inc;
    private final Module[] down;
    private final Module[] up;
    private final Module outc;

    /**
     * @param width channels at full resolution (the paper: 64)
     * @param depth number of 2x down-sampling steps (the paper: 4)
     */
    public UNet(String arch, int numClasses, int inChannels, int width, int depth) {
        super(arch, numClasses, inChannels);
        if (width < 1 || depth < 1) {
            throw new IllegalArgumentException("width " + width + ", depth " + depth);
        }
        inc = register("inc", doubleConv(inChannels, width));
        down = new Module[depth];
        for (int i = 1; i <= depth; i++) {
            down[i - 1] = register("down" + i, doubleConv(width << (i - 1), width << i));
        }
        up = new Module[depth];
        for (int i = 1; i <= depth; i++) {
            int deep = width << (depth - i + 1);
            int skip = width << (depth - i);
            up[i - 1] = register("up" + i, doubleConv(deep + skip, skip));
        }
        outc = register("outc", classifier(width, numClasses));
    }

    @Override
    protected NDArray forward(NDArray x) {
        List<NDArray> skips = new ArrayList<>();
        NDArray y = inc.apply(x);
        for (Module d : down) {
            skips.add(y);
            y = d.apply(Functional.maxPool2d(y, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, false));
        }
        for (int i = 0; i < up.length; i++) {
            NDArray skip = skips.get(skips.size() - 1 - i);
            y = up[i].apply(upAndConcat(y, skip));
        }
        return outc.apply(y);
    }

    /** {@code y} resized (bilinear) to {@code skip}'s height and width, then {@code [y, skip]} along channels. */
    static NDArray upAndConcat(NDArray y, NDArray skip) {
        int h = (int) skip.getShape().get(2);
        int w = (int) skip.getShape().get(3);
        NDArray u = y.getShape().get(2) == h && y.getShape().get(3) == w ? y : Functional.resizeBilinear(y, h, w);
        return NDArrays.concat(new NDList(u, skip), 1);
    }

    @Override
    public List<String> encoderStages() {
        List<String> s = new ArrayList<>(List.of("inc"));
        for (int i = 1; i <= down.length; i++) {
            s.add("down" + i);
        }
        return List.copyOf(s);
    }
}
