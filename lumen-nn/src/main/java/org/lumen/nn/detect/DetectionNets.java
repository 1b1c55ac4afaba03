package org.lumen.nn.detect;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lumen.core.LumenException;
import org.lumen.nn.models.DetectionNet;
import org.lumen.nn.models.backbone.Backbones;

/** The detector architectures {@code --task detect} offers, by name. */
public final class DetectionNets {
    /** Builds an untrained detector for {@code numClasses} object classes (no background) at {@code imgsz}. */
    @FunctionalInterface
    public interface Factory {
        DetectionNet create(int numClasses, int imgsz);
    }

    private static final Map<String, Factory> FACTORIES = new LinkedHashMap<>();

    static {
        for (String size : List.of("n", "s", "m")) {
            String arch = "yolov8" + size;
            register(arch, (numClasses, imgsz) -> new org.lumen.nn.models.yolo.YoloNet(arch,
                    org.lumen.nn.models.yolo.YoloV8.create(size, numClasses)));
        }
        for (String size : List.of("n", "s", "m")) {
            String arch = "yolov8" + size + "-seg";
            register(arch, (numClasses, imgsz) -> new org.lumen.nn.models.yolo.YoloSegNet(arch,
                    org.lumen.nn.models.yolo.YoloV8.createSegment(size, numClasses)));
        }
        for (String body : List.of("resnet50", "resnet18", "resnet34", "resnet101", "mobilenet_v2")) {
            String arch = "fasterrcnn_" + body + "_fpn";
            register(arch, (numClasses, imgsz) -> new org.lumen.nn.models.rcnn.FasterRcnnNet(arch, body, numClasses,
                    imgsz));
        }
        for (String body : List.of("resnet50", "resnet18", "resnet34", "resnet101")) {
            String arch = "maskrcnn_" + body + "_fpn";
            register(arch, (numClasses, imgsz) -> new org.lumen.nn.models.rcnn.MaskRcnnNet(arch, body, numClasses,
                    imgsz));
        }
    }

    private DetectionNets() {}

    static void register(String arch, Factory factory) {
        FACTORIES.put(arch, factory);
    }

    public static List<String> names() {
        return List.copyOf(FACTORIES.keySet());
    }

    /**
     * The input size a detector built from bare weights gets when none is given: torchvision's {@code min_size}
     * 800 for R-CNN ({@code fasterrcnn_*}, {@code maskrcnn_*}: the short side scaled to 800 unless the long side
     * would pass 1333), Ultralytics' 640 for YOLO.
     */
    public static int defaultImgsz(String arch) {
        return arch.startsWith("fasterrcnn_") || arch.startsWith("maskrcnn_") ? 800 : 640;
    }

    public static boolean exists(String arch) {
        return FACTORIES.containsKey(arch);
    }

    public static DetectionNet create(String arch, int numClasses, int imgsz) {
        Factory f = FACTORIES.get(arch);
        if (f == null) {
            throw LumenException.setting("arch", "unknown detector '" + arch + "'"
                    + Backbones.suggest(arch, names()) + "; detectors: " + String.join(", ", names()));
        }
        return f.create(numClasses, imgsz);
    }
}
