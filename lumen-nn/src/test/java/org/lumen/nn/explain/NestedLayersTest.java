package org.lumen.nn.explain;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.lumen.nn.models.backbone.Backbone;
import org.lumen.nn.models.backbone.Backbones;
import org.lumen.nn.testing.Parity;
import org.junit.jupiter.api.Test;

/**
 * Several layers at once, where one lies on the other's path (layer3 feeds layer4): each layer's map must be
 * the map it has alone. A single pass that made both activations leaves cut the graph at layer4, so layer3 got
 * no gradient and its share of the average was empty.
 */
class NestedLayersTest {
    @Test
    void averageOfNestedLayersIsTheAverageOfTheirOwnMaps() {
        try (NDManager m = NDManager.newBaseManager()) {
            Backbone net = Backbones.create("resnet18", 5, 3);
            net.initialize(m, 2);
            java.util.SplittableRandom r = new java.util.SplittableRandom(4);
            float[] v = new float[2 * 3 * 64 * 64];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextDouble() * 2 - 1);
            }
            NDArray x = m.create(v, new Shape(2, 3, 64, 64));
            for (String method : List.of("gradcam", "layercam")) {
                List<Explanation> both = Cam.builder().setModel(net).setMethod(method).optLayers("layer3", "layer4")
                        .build().explain(x);
                List<Explanation> l3 = Cam.builder().setModel(net).setMethod(method).optLayers("layer3").build()
                        .explain(x);
                List<Explanation> l4 = Cam.builder().setModel(net).setMethod(method).optLayers("layer4").build()
                        .explain(x);
                for (int i = 0; i < 2; i++) {
                    float[][] s3 = Cam.resize(m, Cam.scale(new float[][] {l3.get(i).raw()}), 4, 4, 64, 64);
                    float[][] s4 = Cam.resize(m, Cam.scale(new float[][] {l4.get(i).raw()}), 2, 2, 64, 64);
                    float[][] mean = new float[1][64 * 64];
                    for (int p = 0; p < mean[0].length; p++) {
                        mean[0][p] = Math.max((s3[0][p] + s4[0][p]) / 2, 0);
                    }
                    float[] want = Cam.scale(mean)[0];
                    double d = Parity.maxAbsDiff(both.get(i).heatmap(), want);
                    assertTrue(d < 1e-4, method + " image " + i + ": max |diff| " + d);
                }
            }
        }
    }
}
