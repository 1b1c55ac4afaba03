package org.lumen.nn.models.rcnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.lumen.nn.detect.DetectionNets;
import org.lumen.nn.testing.Parity;
import org.junit.jupiter.api.Test;

/**
 * A detector built without a stated size gets its family's default ({@link DetectionNets#defaultImgsz}): R-CNN
 * torchvision's {@code min_size=800, max_size=1333}, YOLO 640. The resized sizes are torchvision 0.14's
 * {@code GeneralizedRCNNTransform(800, 1333)}'s for images whose sizes the float32 scale puts on either side of
 * an integer (640x480 -> 1066x800, 500x375 -> 1066x799) and for a long side that would pass 1333 (1000x400 ->
 * 1333x533); before, a 640x480 photo was resized to 1065x799.
 */
class RcnnDefaultSizeTest {
    private static final Path DIR = Paths.get("target", "parity", "rcnn_sizes");
    private static final int[][] SIZES = {{400, 600}, {400, 1000}, {480, 640}, {375, 500}, {427, 640}, {333, 500},
        {1200, 900}, {64, 64}};

    @Test
    void rcnnDefaultsToTorchvisionsMinAndMaxSize() {
        assertEquals(800, DetectionNets.defaultImgsz("fasterrcnn_resnet50_fpn"));
        assertEquals(800, DetectionNets.defaultImgsz("maskrcnn_resnet18_fpn"));
        assertEquals(640, DetectionNets.defaultImgsz("yolov8n"));
        assertEquals(640, DetectionNets.defaultImgsz("yolov8s-seg"));
        StringBuilder sizes = new StringBuilder();
        for (int[] s : SIZES) {
            sizes.append(s[0]).append('x').append(s[1]).append(' ');
        }
        String out = Parity.run(DIR, """
                from torchvision.models.detection.transform import GeneralizedRCNNTransform
                t = GeneralizedRCNNTransform(800, 1333, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]).eval()
                for s in sys.argv[1].split():
                    h, w = map(int, s.split("x"))
                    il, _ = t([torch.zeros(3, h, w)])
                    print(*il.image_sizes[0])
                """, sizes.toString().trim());
        List<String> want = out.lines().toList();
        assertEquals(SIZES.length, want.size(), out);
        for (String arch : List.of("fasterrcnn_mobilenet_v2_fpn", "maskrcnn_resnet18_fpn")) {
            FasterRcnnNet net = (FasterRcnnNet) DetectionNets.create(arch, 2, DetectionNets.defaultImgsz(arch));
            try (NDManager m = NDManager.newBaseManager()) {
                for (int i = 0; i < SIZES.length; i++) {
                    RcnnTransform.Batch b = ((FasterRcnn) net.module()).transform(
                            List.of(m.zeros(new Shape(3, SIZES[i][0], SIZES[i][1]))));
                    String[] t = want.get(i).split(" ");
                    assertArrayEquals(new int[] {Integer.parseInt(t[0]), Integer.parseInt(t[1])}, b.sizes()[0],
                            arch + ": " + SIZES[i][0] + "x" + SIZES[i][1]);
                }
            }
        }
        assertEquals("800 1200", want.get(0), "600x400, as the issue states it");
        assertEquals("800 1066", want.get(2), "640x480");
    }
}
