package org.lumen.nn.models.backbone;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.lumen.nn.models.Network;

/**
 * An image classifier with torchvision's module layout: its state-dict names are torchvision's for the same
 * architecture, so torchvision weights load and Lumen's weights load in torchvision.
 *
 * <p>Input {@code float32 [N, C, H, W]} normalised images; output {@code float32 [N, numClasses]} logits.
 */
public abstract class Backbone extends Network {
    private final String headPrefix;
    private final String stemWeight;
    private final String camLayer;

    /**
     * @param arch torchvision's name for the architecture ({@code resnet18})
     * @param headPrefix see {@link #headPrefix()}
     * @param stemWeight see {@link #stemWeight()}
     * @param camLayer see {@link #defaultCamLayer()}
     */
    protected Backbone(String arch, int numClasses, int inChannels, String headPrefix, String stemWeight,
            String camLayer) {
        super(arch, numClasses, inChannels);
        this.headPrefix = headPrefix;
        this.stemWeight = stemWeight;
        this.camLayer = camLayer;
    }

    /**
     * Prefix of the classification head's parameters ({@code fc.} for ResNet). When transferring weights to a
     * different number of classes, tensors under it are not loaded: the head starts fresh.
     */
    public final String headPrefix() {
        return headPrefix;
    }

    /** State-dict name of the first convolution's weight, adapted when the channel count differs. */
    public final String stemWeight() {
        return stemWeight;
    }

    /**
     * The stages from input to output, stem first and head last; {@code --freeze N} freezes the first N. A
     * stage is a module path, or several joined by {@code +} where torchvision keeps a stage's modules side by
     * side ({@code conv1+bn1} for ResNet's stem). By default {@link #featureStages()}.
     */
    public List<String> stages() {
        return featureStages();
    }

    /**
     * {@link #stages()} for torchvision's {@code features} + {@code classifier} layout (MobileNet, EfficientNet,
     * ConvNeXt, ...): every child of {@code features} in order ({@code features.0} is the stem), then the head.
     */
    protected final List<String> featureStages() {
        List<String> out = new ArrayList<>();
        for (String child : find("features").children().keySet()) {
            out.add("features." + child);
        }
        out.add("classifier");
        return List.copyOf(out);
    }

    /** The top-level child that holds the classification head ({@code fc}, {@code classifier}). */
    public final String headChild() {
        return headPrefix().substring(0, headPrefix().indexOf('.'));
    }

    /**
     * Replaces {@link #headChild()} with an identity in the module tree, for use as an encoder: the head's
     * parameters leave the state dict and are never allocated. Call before {@code initialize}. The subclass's
     * {@link #forward} still calls its head, so a backbone without one must only be run up to a stage before it,
     * as {@code BackboneUNet} does (it ends the pass at its deepest skip connection).
     */
    public final void dropHead() {
        replace(headChild(), org.lumen.nn.layers.Lambda.identity());
    }

    /** The layer Grad-CAM explains by default: the last spatial block ({@code layer4} for ResNet). */
    public final String defaultCamLayer() {
        return camLayer;
    }

    /** {@code [N, ...] -> [N, rest]}: torchvision's {@code torch.flatten(x, 1)} before a linear head. */
    protected static NDArray flatten(NDArray x) {
        return x.reshape(x.getShape().get(0), -1);
    }
}
