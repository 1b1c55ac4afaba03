package org.lumen.nn.models.segmentation;

import java.util.List;
import org.lumen.nn.layers.BatchNorm2d;
import org.lumen.nn.layers.Conv2d;
import org.lumen.nn.layers.Lambda;
import org.lumen.nn.layers.Sequential;
import org.lumen.nn.models.Network;
import org.lumen.nn.module.Init;

/**
 * A semantic-segmentation network: input {@code float32 [N, C, H, W]} normalised images of any size, output
 * {@code float32 [N, K, H, W]} logits at the input's resolution, one channel per class (background included);
 * with K = 1 the single channel is the logit of the foreground (sigmoid), with K >= 2 the classes compete
 * (softmax).
 */
public abstract class SegmentationModel extends Network {
    /** @param arch the name it is built from ({@code unet}, {@code unet-w16-d3}, {@code unet-resnet18}) */
    protected SegmentationModel(String arch, int numClasses, int inChannels) {
        super(arch, numClasses, inChannels);
    }

    /**
     * The encoder's stages, input side first, as module paths of this model; {@code --freeze N} freezes the
     * first N. A stage may join several paths with {@code +}.
     */
    public abstract List<String> encoderStages();

    /** Two 3x3 convolutions (padding 1, no bias), each followed by batch norm and ReLU: U-Net's basic block. */
    static Sequential doubleConv(int in, int out) {
        return new Sequential(conv3x3(in, out), new BatchNorm2d(out), Lambda.relu(), conv3x3(out, out),
                new BatchNorm2d(out), Lambda.relu());
    }

    static Conv2d conv3x3(int in, int out) {
        return new Conv2d(in, out, 3, 1, 1, 1, 1, false, Init.kaimingNormalFanOut());
    }

    /** The 1x1 convolution to class logits, with bias, PyTorch's default initialisation. */
    static Conv2d classifier(int in, int numClasses) {
        return new Conv2d(in, numClasses, 1, 1, 0, 1, true);
    }
}
