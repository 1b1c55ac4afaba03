package org.lumen.nn.models.segmentation;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lumen.core.LumenException;
import org.lumen.nn.models.backbone.Backbones;

/**
 * The segmentation architectures by name: {@code unet} (the paper's width 64 and depth 4),
 * {@code unet-w<W>-d<D>} (a classic U-Net of width W at full resolution and D down-sampling steps, e.g.
 * {@code unet-w16-d4} for small images on a CPU), and {@code unet-<backbone>} for every {@link Backbones} name
 * ({@code unet-resnet18}, {@code unet-resnet50}, {@code unet-mobilenet_v2}, ...).
 */
public final class Segmentations {
    private static final Pattern CLASSIC = Pattern.compile("unet(?:-w(\\d{1,4})-d(\\d{1,2}))?");
    private static final String BACKBONE_PREFIX = "unet-";

    private Segmentations() {}

    /** Example names for help texts and suggestions. */
    public static List<String> names() {
        List<String> out = new ArrayList<>(List.of("unet", "unet-w16-d4"));
        Backbones.names().forEach(b -> out.add(BACKBONE_PREFIX + b));
        return List.copyOf(out);
    }

    /** Whether {@code arch} names a segmentation architecture (it may still be invalid). */
    public static boolean isSegmentation(String arch) {
        return arch.equals("unet") || arch.startsWith(BACKBONE_PREFIX);
    }

    /** Checks the name alone (cheap: builds nothing), with the message {@link #create} would give. */
    public static void check(String arch) {
        Matcher m = CLASSIC.matcher(arch);
        if (m.matches()) {
            int width = m.group(1) == null ? 64 : Integer.parseInt(m.group(1));
            int depth = m.group(2) == null ? 4 : Integer.parseInt(m.group(2));
            if (width < 1 || width > 256 || depth < 1 || depth > 8) {
                throw LumenException.setting("arch", "'" + arch + "': width must be 1 to 256 and depth 1 to 8");
            }
            return;
        }
        if (arch.startsWith(BACKBONE_PREFIX) && Backbones.names().contains(arch.substring(BACKBONE_PREFIX.length()))) {
            return;
        }
        throw unknown(arch);
    }

    private static LumenException unknown(String arch) {
        return LumenException.setting("arch", "unknown segmentation architecture '" + arch + "'"
                + Backbones.suggest(arch, names()) + " (unet, unet-w<W>-d<D>, or unet-<backbone> with a backbone"
                + " of: " + String.join(", ", Backbones.names()) + ")");
    }

    /**
     * Builds {@code arch}; parameters are not allocated yet.
     *
     * @throws LumenException on setting {@code arch} for an unknown name or out-of-range width or depth
     */
    public static SegmentationModel create(String arch, int numClasses, int inChannels) {
        if (numClasses < 1) {
            throw LumenException.setting("classes", "needs at least 1 class, got " + numClasses);
        }
        if (inChannels < 1) {
            throw LumenException.setting("channels", "needs at least 1 channel, got " + inChannels);
        }
        check(arch);
        Matcher m = CLASSIC.matcher(arch);
        if (m.matches()) {
            int width = m.group(1) == null ? 64 : Integer.parseInt(m.group(1));
            int depth = m.group(2) == null ? 4 : Integer.parseInt(m.group(2));
            return new UNet(arch, numClasses, inChannels, width, depth);
        }
        return BackboneUNet.create(arch, arch.substring(BACKBONE_PREFIX.length()), numClasses, inChannels);
    }
}
