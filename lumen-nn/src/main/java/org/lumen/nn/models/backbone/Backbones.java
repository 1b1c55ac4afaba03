package org.lumen.nn.models.backbone;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lumen.core.LumenException;

/** The architectures Lumen builds, by torchvision's names. */
public final class Backbones {
    /** Builds an architecture for a class count and an input channel count. */
    @FunctionalInterface
    public interface Factory {
        Backbone create(int numClasses, int inChannels);
    }

    private static final Map<String, Factory> FACTORIES = new LinkedHashMap<>();

    static {
        FACTORIES.put("resnet18", ResNet::resnet18);
        FACTORIES.put("resnet34", ResNet::resnet34);
        FACTORIES.put("resnet50", ResNet::resnet50);
        FACTORIES.put("resnet101", ResNet::resnet101);
        FACTORIES.put("densenet121", DenseNet::densenet121);
        FACTORIES.put("densenet201", DenseNet::densenet201);
        FACTORIES.put("vgg16", VGG::vgg16);
        FACTORIES.put("vgg19", VGG::vgg19);
        FACTORIES.put("squeezenet1_1", SqueezeNet::squeezenet1_1);
        FACTORIES.put("mobilenet_v2", MobileNetV2::mobilenetV2);
        FACTORIES.put("efficientnet_b0", EfficientNet::efficientnetB0);
        FACTORIES.put("convnext_tiny", ConvNeXt::convnextTiny);
    }

    private Backbones() {}

    /** torchvision names of every architecture, in a stable order. */
    public static List<String> names() {
        return List.copyOf(FACTORIES.keySet());
    }

    /**
     * Builds {@code arch} with a head for {@code numClasses} and a stem for {@code inChannels}; parameters are
     * not allocated yet (see {@code Module.initialize}). An unknown name is a {@link LumenException} on
     * setting {@code arch} that suggests the closest known names.
     */
    public static Backbone create(String arch, int numClasses, int inChannels) {
        Factory f = FACTORIES.get(arch);
        if (f == null) {
            throw LumenException.setting("arch", "unknown architecture '" + arch + "'" + suggest(arch, names())
                    + " (known: " + String.join(", ", names()) + ")");
        }
        if (numClasses < 1) {
            throw LumenException.setting("classes", "needs at least 1 class, got " + numClasses);
        }
        if (inChannels < 1) {
            throw LumenException.setting("channels", "needs at least 1 channel, got " + inChannels);
        }
        return f.create(numClasses, inChannels);
    }

    /** "; did you mean X?" for the known names within a small edit distance, or "". */
    public static String suggest(String given, List<String> known) {
        List<String> close = known.stream()
                .filter(k -> distance(given.toLowerCase(java.util.Locale.ROOT), k.toLowerCase(java.util.Locale.ROOT))
                        <= Math.max(2, k.length() / 3))
                .sorted(Comparator.comparingInt(k -> distance(given, k)))
                .limit(3)
                .toList();
        return close.isEmpty() ? "" : "; did you mean " + String.join(" or ", close) + "?";
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
