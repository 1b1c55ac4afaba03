package org.lumen.nn.models.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lumen.nn.module.Parameter;

/**
 * The layout of each architecture against torchvision 0.14's, without Python or native code: learnable parameter
 * count, state-dict names and shapes where numbering most easily goes wrong, parameter-free modules that
 * {@code --layer} must find, the head and stem that transfer learning replaces, the stages and the CAM layer.
 */
class BackboneLayoutTest {
    static Stream<Arguments> layouts() {
        return Stream.of(
                Arguments.of("mobilenet_v2", 3_504_872L, Map.of(
                        "features.1.conv.0.0.weight", new Shape(32, 1, 3, 3),
                        "features.3.conv.1.0.weight", new Shape(144, 1, 3, 3),
                        "features.17.conv.2.weight", new Shape(320, 960, 1, 1),
                        "features.18.1.running_var", new Shape(1280)),
                        List.of("features.18.2", "features.3.conv.1.2", "classifier.0")),
                Arguments.of("efficientnet_b0", 5_288_548L, Map.of(
                        "features.1.0.block.1.fc1.weight", new Shape(8, 32, 1, 1),
                        "features.2.0.block.2.fc2.bias", new Shape(96),
                        "features.6.3.block.1.0.weight", new Shape(1152, 1, 5, 5),
                        "features.8.0.weight", new Shape(1280, 320, 1, 1)),
                        List.of("features.1.0.block.1.scale_activation", "features.4.2.stochastic_depth", "avgpool")),
                Arguments.of("convnext_tiny", 28_589_128L, Map.of(
                        "features.0.0.bias", new Shape(96),
                        "features.1.0.layer_scale", new Shape(96, 1, 1),
                        "features.5.8.block.3.weight", new Shape(1536, 384),
                        "features.6.1.weight", new Shape(768, 384, 2, 2)),
                        List.of("features.7.2.block.6", "features.7.2.stochastic_depth", "classifier.1", "avgpool")));
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void matchesTorchvision(String arch, long parameters, Map<String, Shape> someShapes, List<String> modules) {
        Backbone model = Backbones.create(arch, 1000, 3);
        Map<String, Parameter> state = model.stateDict();
        long count = state.values().stream()
                .filter(p -> p.kind() == Parameter.Kind.WEIGHT)
                .mapToLong(p -> p.shape().size())
                .sum();
        assertEquals(parameters, count, arch + " learnable parameters");
        someShapes.forEach((name, shape) -> {
            assertNotNull(state.get(name), arch + " has no " + name);
            assertEquals(shape, state.get(name).shape(), name);
        });
        for (String path : modules) {
            assertNotNull(model.find(path), arch + " has no module " + path);
        }
        assertNotNull(model.find(model.defaultCamLayer()), "default CAM layer " + model.defaultCamLayer());
        List<String> stages = model.stages();
        stages.forEach(stage -> assertNotNull(model.find(stage), "stage " + stage));
        assertEquals(List.of("features.0", "classifier"), List.of(stages.get(0), stages.get(stages.size() - 1)));
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void headAndStemFollowClassesAndChannels(String arch) {
        Backbone model = Backbones.create(arch, 7, 1);
        Map<String, Parameter> state = model.stateDict();
        assertEquals(new Shape(7), state.get(model.headPrefix() + "bias").shape());
        assertEquals(7, state.get(model.headPrefix() + "weight").shape().get(0));
        assertEquals(1, state.get(model.stemWeight()).shape().get(1));
        assertEquals(2, state.keySet().stream().filter(n -> n.startsWith(model.headPrefix())).count(),
                "only the last linear layer is replaced");
    }
}
