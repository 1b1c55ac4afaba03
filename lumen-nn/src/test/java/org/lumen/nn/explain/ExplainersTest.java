package org.lumen.nn.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.lumen.core.LumenException;

/** One registry of every method, and one factory that builds a CAM or an attribution by name. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExplainersTest {
    private NDManager manager;
    private OneConvFixtureTest.OneConv model;

    @BeforeAll
    void build() {
        manager = NDManager.newBaseManager();
        model = OneConvFixtureTest.fixture(manager);
    }

    @AfterAll
    void close() {
        manager.close();
    }

    @Test
    void theRegistriesListEveryMethodOnce() {
        List<String> all = Explainers.methods();
        assertEquals(20, all.size());
        assertEquals(all.size(), all.stream().distinct().count());
        assertEquals(List.of("gradcam", "gradcam++"), all.subList(0, 2));
        assertEquals(List.of("lime", "kernelshap"), all.subList(18, 20));
        List<String> both = new ArrayList<>(Cam.methods());
        both.addAll(Attribution.methods());
        assertEquals(both, all);
        for (String m : Attribution.methods()) {
            assertTrue(Attribution.isAttribution(m.toUpperCase(java.util.Locale.ROOT)), m);
        }
    }

    @Test
    void createPicksTheFamilyAndItsLayers() {
        Explainer cam = Explainers.create(model, "gradcam", null, List.of("conv1"), false, b -> b);
        assertInstanceOf(Cam.class, cam);
        assertEquals(List.of("conv1"), ((Cam) cam).settings().layerPaths());
        assertEquals("gradcam", Explainers.name(cam));
        Explainer asked = Explainers.create(model, "GradCAM++", List.of("relu1"), List.of("conv1"), false, b -> b);
        assertEquals(List.of("relu1"), ((Cam) asked).settings().layerPaths());
        assertEquals("gradcam++", Explainers.name(asked));
        Explainer gg = Explainers.create(model, "guided-gradcam", null, List.of("conv1"), false, b -> b);
        assertEquals(List.of("conv1"), ((Attribution) gg).layers());
        Explainer occ = Explainers.create(model, "occlusion", null, List.of("conv1"), false, b -> b.optWindow(2, 1));
        assertInstanceOf(Occlusion.class, occ);
        assertEquals("occlusion", Explainers.name(occ));
    }

    @Test
    void faultsAreSettings() {
        LumenException cf = assertThrows(LumenException.class,
                () -> Explainers.create(model, "saliency", null, List.of(), true, b -> b));
        assertEquals("counterfactual: is for the CAM family", cf.line());
        assertTrue(cf.isSetting());
        LumenException layer = assertThrows(LumenException.class,
                () -> Explainers.create(model, "saliency", List.of("conv1"), List.of(), false, b -> b));
        assertEquals("layer", layer.source());
        LumenException unknown = assertThrows(LumenException.class,
                () -> Explainers.create(model, "gradcan", null, List.of("conv1"), false, b -> b));
        assertEquals("method", unknown.source());
        assertTrue(unknown.getMessage().contains("did you mean gradcam"), unknown.getMessage());
    }
}
