package org.lumen.nn.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lumen.nn.models.backbone.Backbone;
import org.lumen.nn.models.backbone.Backbones;
import org.lumen.nn.testing.Parity;
import org.lumen.nn.weights.SafeTensors;
import org.lumen.nn.weights.Weights;

/**
 * Raw CAMs equal a PyTorch reference written here (torchvision 0.14 models with random weights and batch-norm
 * statistics, forward hooks, and pytorch-grad-cam's formulas re-typed in NumPy) to 1e-3 of the map's maximum,
 * for a deep and a middle layer of resnet18 and densenet121, a batch of two 224x224 images, top-class targets.
 *
 * <p>The reference hook makes the layer's output a leaf and hands a clone on: torchvision's DenseNet applies
 * {@code F.relu(features, inplace=True)} after {@code features}, which would otherwise overwrite a saved
 * activation in place (pytorch-grad-cam's {@code ActivationsAndGradients} sees the post-ReLU values there).
 * Eigen methods fix the SVD sign as {@link Projection} does ({@code sum(v1) >= 0}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CamParityTest {
    private static final Path DIR = Paths.get("target", "parity", "cam");
    private static final Map<String, List<String>> LAYERS = Map.of(
            "resnet18", List.of("layer4", "layer3"),
            "densenet121", List.of("features", "features.denseblock3"));
    /** The five the issue names; densenet121's middle layer (16 s of forward passes for all eight) gets these. */
    private static final List<String> CORE = List.of("gradcam", "gradcam++", "xgradcam", "hirescam", "layercam");
    private static final List<String> ALL = List.of("gradcam", "gradcam++", "xgradcam", "hirescam", "layercam",
            "gradcam-elementwise", "eigencam", "eigengradcam");

    @BeforeAll
    void references() {
        Parity.run(DIR, """
                import os, torchvision
                import torch.nn.functional as F
                out = sys.argv[1]
                torch.manual_seed(0)
                x = torch.randn(2, 3, 224, 224)
                save_safetensors(os.path.join(out, "input.safetensors"), {"x": x})
                SPECS = {"resnet18": ["layer4", "layer3"], "densenet121": ["features", "features.denseblock3"]}

                def projection(batch):  # pytorch-grad-cam's get_2d_projection, sign fixed by sum(v1) >= 0
                    res = []
                    for act in batch:
                        r = act.reshape(act.shape[0], -1).T.astype(np.float64)
                        r = r - r.mean(axis=0)
                        _, _, vt = np.linalg.svd(r, full_matrices=False)
                        v = vt[0] if vt[0].sum() >= 0 else -vt[0]
                        res.append((r @ v).reshape(act.shape[1:]))
                    return np.float32(res)

                def scale(cam):  # scale_cam_image without the resize
                    cam = cam - cam.min(axis=(1, 2), keepdims=True)
                    return cam / (1e-7 + cam.max(axis=(1, 2), keepdims=True))

                for i, arch in enumerate(SPECS):
                    torch.manual_seed(i + 1)
                    m = getattr(torchvision.models, arch)().eval()
                    randomize_batchnorm(m, i + 1)
                    save_safetensors(os.path.join(out, arch + ".weights.safetensors"), m.state_dict())
                    maps = {}
                    for layer in SPECS[arch]:
                        store = {}
                        def hook(module, inputs, output):
                            leaf = output.detach().requires_grad_(True)
                            store["a"] = leaf
                            return leaf.clone()
                        handle = m.get_submodule(layer).register_forward_hook(hook)
                        logits = m(x)
                        handle.remove()
                        t = logits.argmax(dim=1)
                        logits.gather(1, t[:, None]).sum().backward()
                        A = store["a"].detach().numpy()
                        G = store["a"].grad.numpy()
                        sumA = A.sum(axis=(2, 3))[:, :, None, None]
                        g2 = G ** 2
                        g3 = g2 * G
                        aij = np.where(G != 0, g2 / (2 * g2 + sumA * g3 + 1e-6), 0)
                        cams = {
                            "gradcam": G.mean(axis=(2, 3))[:, :, None, None] * A,
                            "gradcam++": (np.maximum(G, 0) * aij).sum(axis=(2, 3))[:, :, None, None] * A,
                            "xgradcam": (G * A / (sumA + 1e-7)).sum(axis=(2, 3))[:, :, None, None] * A,
                            "hirescam": G * A,
                            "layercam": np.maximum(G, 0) * A,
                            "gradcam-elementwise": np.maximum(G * A, 0),
                        }
                        cams = {k: v.sum(axis=1) for k, v in cams.items()}
                        cams["eigencam"] = projection(A)
                        cams["eigengradcam"] = projection(G * A)
                        for k, v in cams.items():
                            maps[layer + "/" + k] = torch.from_numpy(np.float32(np.maximum(v, 0)))
                        maps[layer + "/targets"] = t.float()
                        up = F.interpolate(torch.from_numpy(scale(maps[layer + "/gradcam"].numpy()))[:, None],
                                           size=(224, 224), mode="bilinear", align_corners=False)[:, 0]
                        maps[layer + "/gradcam.heatmap"] = torch.from_numpy(scale(np.maximum(up.numpy(), 0)))
                    save_safetensors(os.path.join(out, arch + ".maps.safetensors"), maps)
                """, DIR.toAbsolutePath().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "densenet121"})
    void rawMapsEqualReference(String arch) {
        List<String> faults = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager();
                SafeTensors maps = SafeTensors.open(DIR.resolve(arch + ".maps.safetensors"));
                SafeTensors in = SafeTensors.open(DIR.resolve("input.safetensors"))) {
            Backbone model = Backbones.create(arch, 1000, 3);
            model.initialize(manager, 0);
            Weights.load(model, DIR.resolve(arch + ".weights.safetensors"), manager);
            NDArray x = manager.create(in.readFloats(in.entries().get("x")), new Shape(2, 3, 224, 224));
            for (String layer : LAYERS.get(arch)) {
                float[] targets = maps.readFloats(maps.entries().get(layer + "/targets"));
                for (String method : layer.equals("features.denseblock3") ? CORE : ALL) {
                    List<Explanation> got = Cam.builder().setModel(model).setMethod(method).optLayers(layer).build()
                            .explain(x);
                    float[] want = maps.readFloats(maps.entries().get(layer + "/" + method));
                    float[] raw = concat(got, false);
                    for (int i = 0; i < 2; i++) {
                        assertEquals((int) targets[i], got.get(i).target(), arch + " " + layer + " target");
                    }
                    double diff = Parity.maxAbsDiff(raw, want);
                    double scale = Parity.maxAbs(want);
                    System.out.printf("cam parity %-11s %-20s %-19s max |diff| %.3g  max |map| %.3g  ratio %.2g%n",
                            arch, layer, method, diff, scale, diff / scale);
                    if (!(diff <= 1e-3 * scale) || scale == 0) {
                        faults.add(arch + " " + layer + " " + method + ": " + diff + " > 1e-3 x " + scale);
                    }
                    if (method.equals("gradcam")) {
                        double h = Parity.maxAbsDiff(concat(got, true),
                                maps.readFloats(maps.entries().get(layer + "/gradcam.heatmap")));
                        System.out.printf("cam parity %-11s %-20s gradcam heatmap     max |diff| %.3g%n", arch, layer, h);
                        if (!(h <= 1e-3)) {
                            faults.add(arch + " " + layer + " heatmap: " + h);
                        }
                    }
                }
            }
        }
        assertTrue(faults.isEmpty(), String.join("\n", faults));
    }

    private static float[] concat(List<Explanation> e, boolean heatmap) {
        int per = heatmap ? e.get(0).heatmap().length : e.get(0).raw().length;
        float[] out = new float[e.size() * per];
        for (int i = 0; i < e.size(); i++) {
            System.arraycopy(heatmap ? e.get(i).heatmap() : e.get(i).raw(), 0, out, i * per, per);
        }
        return out;
    }
}
