package org.lumen.nn.models.rcnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import org.lumen.core.LumenException;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.layers.BatchNorm2d;
import org.lumen.nn.testing.Parity;
import org.lumen.nn.weights.SafeTensorsWriter;
import org.lumen.nn.weights.Weights;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint of a torchvision detector trained from scratch ({@code fasterrcnn_resnet50_fpn(weights=None,
 * weights_backbone=None)}: ordinary {@code BatchNorm2d}s, each with its {@code num_batches_tracked}; here
 * calibrated on random batches, then saved whole) loads into Lumen's frozen norms as torchvision's
 * {@code FrozenBatchNorm2d} loads it, dropping those 53 counters (before: refused, 53 faults); it gives exactly
 * the detections of the same file without them, and torchvision's own (min/max size 128/213). A tensor no
 * module drops is still refused, by name; a {@code [1]} tensor fills a scalar {@code []} one, as
 * {@code load_state_dict} allows.
 */
class FrozenNormCheckpointTest {
    private static final Path DIR = Paths.get("target", "parity", "frozen_norm_checkpoint");

    @Test
    void fromScratchCheckpointLoadsIntoFrozenNorms() {
        Parity.run(DIR, """
                import os, torchvision
                out = sys.argv[1]
                torch.manual_seed(3)
                m = torchvision.models.detection.fasterrcnn_resnet50_fpn(weights=None, weights_backbone=None,
                        num_classes=3, min_size=128, max_size=213, box_score_thresh=0.0)
                bns = [b for b in m.modules() if isinstance(b, torch.nn.BatchNorm2d)]
                assert len(bns) == 53, len(bns)
                body = m.backbone.body
                body.train()
                for b in bns:
                    b.momentum = None  # the running statistics: plain averages over the calibration batches
                with torch.no_grad():
                    for _ in range(3):
                        body((torch.rand(2, 3, 128, 128) - 0.45) / 0.225)
                m.eval()
                with torch.no_grad():
                    m.rpn.head.cls_logits.weight.mul_(0.01)
                    m.rpn.head.bbox_pred.weight.mul_(0.001)
                    m.roi_heads.box_predictor.bbox_pred.weight.mul_(0.1)
                    m.roi_heads.box_predictor.cls_score.weight.mul_(30)
                sd = m.state_dict()
                assert sum(k.endswith("num_batches_tracked") for k in sd) == 53
                save_safetensors(os.path.join(out, "full.safetensors"), sd)
                save_safetensors(os.path.join(out, "plain.safetensors"),
                        {k: v for k, v in sd.items() if not k.endswith("num_batches_tracked")})
                extra = dict(sd)
                extra["roi_heads.box_head.fc8.weight"] = torch.zeros(4)
                save_safetensors(os.path.join(out, "extra.safetensors"), extra)
                x = torch.rand(3, 128, 128)
                with torch.no_grad():
                    det = m([x])[0]
                save_safetensors(os.path.join(out, "ref.safetensors"), {"x": x, "boxes": det["boxes"],
                        "scores": det["scores"], "labels": det["labels"].float()})
                """, DIR.toAbsolutePath().toString());
        Map<String, float[]> ref = Parity.readAll(DIR.resolve("ref.safetensors"));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(ref.get("x"), new Shape(1, 3, 128, 128));
            Boxes full = detect(m, DIR.resolve("full.safetensors"), x);
            Boxes plain = detect(m, DIR.resolve("plain.safetensors"), x);
            assertTrue(full.size() > 50, "detections: " + full.size());
            assertArrayEquals(plain.xyxy(), full.xyxy(), "boxes with and without the counters");
            assertArrayEquals(plain.scores(), full.scores(), "scores with and without the counters");
            float[] wb = ref.get("boxes");
            float[] ws = ref.get("scores");
            float[] wl = ref.get("labels");
            int matched = 0;
            for (int i = 0; i < ws.length; i++) {
                for (int j = 0; j < full.size(); j++) {
                    if (full.labels()[j] + 1 == (int) wl[i] && RcnnThresholdParityTest.iou(full.xyxy(), j, wb, i) >= 0.9
                            && Math.abs(full.scores()[j] - ws[i]) <= 1e-3) {
                        matched++;
                        break;
                    }
                }
            }
            System.out.printf("fasterrcnn_resnet50_fpn from a from-scratch checkpoint: %d of torchvision's %d"
                    + " detections matched%n", matched, ws.length);
            assertTrue(matched >= 0.95 * ws.length, matched + " of " + ws.length);
            LumenException e = assertThrows(LumenException.class, () -> detect(m, DIR.resolve("extra.safetensors"), x));
            assertTrue(e.getMessage().contains("(1 fault): unexpected roi_heads.box_head.fc8.weight"), e.getMessage());
        }
    }

    private static Boxes detect(NDManager m, Path weights, NDArray x) {
        FasterRcnnNet net = new FasterRcnnNet("fasterrcnn_resnet50_fpn", "resnet50", 2, 128);
        net.module().initialize(m, 0);
        Weights.load(net.module(), weights, m);
        return net.detect(x, 0.0, 100).get(0);
    }

    @Test
    void aOneElementTensorFillsAScalar() throws Exception {
        Path file = DIR.resolve("bn_scalar_as_1.safetensors");
        java.nio.file.Files.createDirectories(DIR);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put("weight", m.create(new float[] {1.5f, 2f}));
            t.put("bias", m.create(new float[] {0.1f, -0.1f}));
            t.put("running_mean", m.create(new float[] {0.2f, 0.3f}));
            t.put("running_var", m.create(new float[] {0.9f, 1.1f}));
            t.put("num_batches_tracked", m.create(new long[] {7}, new Shape(1)));
            SafeTensorsWriter.write(file, t, Map.of());
            BatchNorm2d bn = new BatchNorm2d(2);
            bn.initialize(m, 0);
            Weights.load(bn, file, m);
            NDArray count = bn.stateDict().get("num_batches_tracked").value();
            assertEquals(new Shape(), count.getShape(), "the model's scalar keeps its shape");
            assertEquals(DataType.INT64, count.getDataType());
            assertEquals(7L, count.getLong());
            assertArrayEquals(new float[] {0.2f, 0.3f}, bn.stateDict().get("running_mean").value().toFloatArray());
            // a [2] tensor for the scalar is still a fault
            t.put("num_batches_tracked", m.create(new long[] {7, 8}, new Shape(2)));
            SafeTensorsWriter.write(file, t, Map.of());
            LumenException e = assertThrows(LumenException.class, () -> Weights.load(bn, file, m));
            assertTrue(e.getMessage().contains("num_batches_tracked has shape [2] in the file but [] in"), e.getMessage());
        }
    }
}
