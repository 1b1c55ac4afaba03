package org.lumen.nn.models.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lumen.nn.testing.Parity;
import org.lumen.nn.weights.Weights;

/**
 * Both U-Nets against the same networks written in PyTorch (torchvision's resnet18 as the encoder of the
 * second), weights moved by name through safetensors, in eval mode with non-trivial batch-norm statistics, on
 * odd-sized inputs. The second also shows that a torchvision classifier's weights load into the encoder.
 */
class UNetParityTest {
    private static final String TORCH_UNETS = """
            import os, torchvision
            import torch.nn as nn
            import torch.nn.functional as F
            def double_conv(i, o):
                return nn.Sequential(nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(),
                                     nn.Conv2d(o, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU())
            def up_cat(y, skip):
                if y.shape[-2:] != skip.shape[-2:]:
                    y = F.interpolate(y, size=skip.shape[-2:], mode="bilinear", align_corners=False)
                return torch.cat([y, skip], 1)
            class UNet(nn.Module):
                def __init__(self, cin, k, w, depth):
                    super().__init__()
                    self.inc = double_conv(cin, w)
                    for i in range(1, depth + 1):
                        setattr(self, "down%d" % i, double_conv(w << (i - 1), w << i))
                    for i in range(1, depth + 1):
                        setattr(self, "up%d" % i, double_conv((w << (depth - i + 1)) + (w << (depth - i)), w << (depth - i)))
                    self.outc = nn.Conv2d(w, k, 1)
                    self.depth = depth
                def forward(self, x):
                    skips, y = [], self.inc(x)
                    for i in range(1, self.depth + 1):
                        skips.append(y)
                        y = getattr(self, "down%d" % i)(F.max_pool2d(y, 2))
                    for i in range(1, self.depth + 1):
                        y = getattr(self, "up%d" % i)(up_cat(y, skips[-i]))
                    return self.outc(y)
            class ResNetUNet(nn.Module):
                def __init__(self, cin, k):
                    super().__init__()
                    self.encoder = torchvision.models.resnet18()
                    if cin != 3:
                        self.encoder.conv1 = nn.Conv2d(cin, 64, 7, 2, 3, bias=False)
                    self.encoder.fc = nn.Identity()
                    ch = [64, 64, 128, 256, 512]
                    blocks, width = [], ch[-1]
                    for j in range(3, -1, -1):
                        out = max(16, min(256, ch[j]))
                        blocks.append(double_conv(width + ch[j], out))
                        width = out
                    self.decoder = nn.Sequential(*blocks)
                    setattr(self, "final", double_conv(width + cin, 16))
                    self.outc = nn.Conv2d(16, k, 1)
                def forward(self, x):
                    e = self.encoder
                    # the stem's skip is bn1's output, before torchvision's in-place ReLU changes it
                    f0 = e.bn1(e.conv1(x))
                    f1 = e.layer1(e.maxpool(e.relu(f0.clone())))
                    f2 = e.layer2(f1); f3 = e.layer3(f2); f4 = e.layer4(f3)
                    feats, y = [f0, f1, f2, f3], f4
                    for i, j in enumerate(range(3, -1, -1)):
                        y = self.decoder[i](up_cat(y, feats[j]))
                    return self.outc(getattr(self, "final")(up_cat(y, x)))
            """;

    @Test
    void classicUNetMatchesTorch() {
        Path dir = Paths.get("target", "parity", "unet").toAbsolutePath();
        Parity.run(dir, TORCH_UNETS + """
                d = sys.argv[1]
                torch.manual_seed(0)
                m = UNet(2, 3, 8, 3)
                randomize_batchnorm(m, 1)
                m.eval()
                x = torch.randn(2, 2, 37, 45)
                save_safetensors(os.path.join(d, "weights.safetensors"), m.state_dict())
                save_safetensors(os.path.join(d, "io.safetensors"), {"x": x, "y": m(x)})
                """, dir.toString());
        compare(dir, Segmentations.create("unet-w8-d3", 3, 2), new Shape(2, 2, 37, 45), new Shape(2, 3, 37, 45));
    }

    @Test
    void resnetUNetMatchesTorchAndTakesTorchvisionClassifierWeights() {
        Path dir = Paths.get("target", "parity", "unet-resnet18").toAbsolutePath();
        Parity.run(dir, TORCH_UNETS + """
                d = sys.argv[1]
                torch.manual_seed(0)
                m = ResNetUNet(3, 2)
                randomize_batchnorm(m, 1)
                m.eval()
                x = torch.randn(1, 3, 50, 70)
                save_safetensors(os.path.join(d, "weights.safetensors"), m.state_dict())
                save_safetensors(os.path.join(d, "io.safetensors"), {"x": x, "y": m(x)})
                c = torchvision.models.resnet18(num_classes=10)
                randomize_batchnorm(c, 2)
                save_safetensors(os.path.join(d, "classifier.safetensors"), c.state_dict())
                """, dir.toString());
        BackboneUNet net = (BackboneUNet) Segmentations.create("unet-resnet18", 2, 3);
        assertEquals(List.of("bn1", "layer1", "layer2", "layer3", "layer4"), net.skipPaths());
        compare(dir, net, new Shape(1, 3, 50, 70), new Shape(1, 2, 50, 70));

        BackboneUNet fresh = (BackboneUNet) Segmentations.create("unet-resnet18", 2, 3);
        try (NDManager m = NDManager.newBaseManager()) {
            fresh.initialize(m, 0);
            Weights.Report r = Weights.transferEncoder(fresh.encoder(), dir.resolve("classifier.safetensors"), m);
            assertTrue(r.notes().get(0).contains("2 tensors of the classification head (fc.*)"), r.notes().toString());
            Map<String, float[]> want = Parity.readAll(dir.resolve("classifier.safetensors"));
            float[] got = fresh.stateDict().get("encoder.layer3.1.bn2.running_var").value().toFloatArray();
            assertEquals(0, Parity.maxAbsDiff(got, want.get("layer3.1.bn2.running_var")));
        }
    }

    private static void compare(Path dir, SegmentationModel net, Shape in, Shape out) {
        Map<String, float[]> io = Parity.readAll(dir.resolve("io.safetensors"));
        try (NDManager m = NDManager.newBaseManager()) {
            net.initialize(m, 0);
            Weights.load(net, dir.resolve("weights.safetensors"), m);
            net.train(false);
            NDArray y = net.apply(m.create(io.get("x"), in));
            assertEquals(out, y.getShape());
            float[] want = io.get("y");
            double err = Parity.maxAbsDiff(y.toFloatArray(), want);
            assertTrue(err <= 1e-4 * Math.max(1, Parity.maxAbs(want)), net.arch() + ": max |diff| " + err + " of max " + Parity.maxAbs(want));
        }
    }
}
