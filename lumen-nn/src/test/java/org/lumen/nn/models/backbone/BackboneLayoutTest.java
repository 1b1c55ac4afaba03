package org.lumen.nn.models.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lumen.nn.module.Parameter;

/**
 * The layout of DenseNet, VGG and SqueezeNet without Python or native code: torchvision 0.14's state-dict
 * sizes, parameter counts and a few tensor shapes (all read from {@code torchvision.models.<arch>()}), and the
 * names that {@code --freeze}, {@code explain} and weight transfer rely on.
 */
class BackboneLayoutTest {
    /** arch, learnable parameter count, state-dict entries, and some tensors' shapes, as torchvision has them. */
    static Stream<Arguments> torchvision() {
        return Stream.of(
                Arguments.of("densenet121", 7_978_856L, 727, Map.of(
                        "features.denseblock4.denselayer16.conv2.weight", new Shape(32, 128, 3, 3),
                        "features.transition3.conv.weight", new Shape(512, 1024, 1, 1),
                        "features.norm5.running_var", new Shape(1024),
                        "classifier.weight", new Shape(1000, 1024))),
                Arguments.of("densenet201", 20_013_928L, 1207, Map.of(
                        "features.denseblock3.denselayer48.conv1.weight", new Shape(128, 1760, 1, 1),
                        "classifier.weight", new Shape(1000, 1920))),
                Arguments.of("vgg16", 138_357_544L, 32, Map.of(
                        "features.28.weight", new Shape(512, 512, 3, 3),
                        "classifier.0.weight", new Shape(4096, 25088),
                        "classifier.6.bias", new Shape(1000))),
                Arguments.of("vgg19", 143_667_240L, 38, Map.of(
                        "features.34.weight", new Shape(512, 512, 3, 3),
                        "classifier.3.weight", new Shape(4096, 4096))),
                Arguments.of("squeezenet1_1", 1_235_496L, 52, Map.of(
                        "features.0.weight", new Shape(64, 3, 3, 3),
                        "features.12.expand3x3.weight", new Shape(256, 64, 3, 3),
                        "features.6.squeeze.bias", new Shape(32),
                        "classifier.1.weight", new Shape(1000, 512, 1, 1))));
    }

    static List<String> allArchs() {
        return Backbones.names();
    }

    /** The module paths of a stage ({@code conv1+bn1} is two). */
    private static List<String> paths(String stage) {
        return List.of(stage.split("\\+"));
    }

    static List<String> archs() {
        return List.of("densenet121", "densenet201", "vgg16", "vgg19", "squeezenet1_1");
    }

    @ParameterizedTest
    @MethodSource("torchvision")
    void stateDictMatchesTorchvision(String arch, long parameters, int entries, Map<String, Shape> shapes) {
        Map<String, Parameter> sd = Backbones.create(arch, 1000, 3).stateDict();
        assertEquals(entries, sd.size(), arch + " state-dict entries");
        long learnable = sd.values().stream().filter(p -> p.kind() == Parameter.Kind.WEIGHT)
                .mapToLong(p -> p.shape().size()).sum();
        assertEquals(parameters, learnable, arch + " parameters");
        shapes.forEach((name, shape) -> {
            assertNotNull(sd.get(name), arch + " has no " + name);
            assertEquals(shape, sd.get(name).shape(), name);
        });
    }

    @ParameterizedTest
    @MethodSource("allArchs")
    void namedLayersResolve(String arch) {
        Backbone model = Backbones.create(arch, 1000, 3);
        assertNotNull(model.find(model.defaultCamLayer()), arch + " CAM layer " + model.defaultCamLayer());
        List<String> stages = model.stages();
        assertTrue(model.headPrefix().startsWith(stages.get(stages.size() - 1) + "."),
                arch + ": the last stage holds the head");
        assertTrue(model.stemWeight().startsWith(paths(stages.get(0)).get(0) + "."),
                arch + ": the first stage holds the stem");
        // Freezing every stage must freeze every weight, each exactly once, or --freeze leaves gaps.
        for (String stage : stages) {
            for (String path : paths(stage)) {
                assertNotNull(model.find(path), arch + " stage " + path);
                model.find(path).setFrozen(true);
            }
        }
        model.stateDict().forEach((name, p) -> assertTrue(p.frozen() || p.kind() == Parameter.Kind.BUFFER,
                arch + ": " + name + " is in no stage"));
        long inStages = stages.stream().flatMap(s -> paths(s).stream())
                .mapToLong(s -> model.find(s).stateDict().size()).sum();
        assertEquals(model.stateDict().size(), inStages, arch + ": stages overlap or miss buffers");
    }

    /** arch, tensor, the standard deviation of torchvision's initialiser for it (0: constant 0). */
    static Stream<Arguments> initialisers() {
        return Stream.of(
                Arguments.of("densenet121", "features.denseblock1.denselayer1.conv2.weight",
                        Math.sqrt(2.0 / (128 * 9))),
                Arguments.of("densenet121", "classifier.weight", 1 / Math.sqrt(3 * 1024.0)),
                Arguments.of("densenet121", "classifier.bias", 0.0),
                Arguments.of("vgg16", "features.2.weight", Math.sqrt(2.0 / (64 * 9))),
                Arguments.of("vgg16", "features.2.bias", 0.0),
                Arguments.of("vgg16", "classifier.6.weight", 0.01),
                Arguments.of("vgg16", "classifier.6.bias", 0.0),
                Arguments.of("squeezenet1_1", "features.3.expand3x3.weight", Math.sqrt(2.0 / (16 * 9))),
                Arguments.of("squeezenet1_1", "features.3.expand3x3.bias", 0.0),
                Arguments.of("squeezenet1_1", "classifier.1.weight", 0.01));
    }

    @ParameterizedTest
    @MethodSource("initialisers")
    void initialisersFollowTorchvision(String arch, String tensor, double std) {
        Parameter p = Backbones.create(arch, 1000, 3).stateDict().get(tensor);
        float[] v = p.init().values(p.shape(), new SplittableRandom(0));
        double sum = 0;
        double squares = 0;
        for (float x : v) {
            sum += x;
            squares += (double) x * x;
        }
        double mean = sum / v.length;
        double got = Math.sqrt(squares / v.length - mean * mean);
        assertEquals(0, mean, 0.05 * std + 1e-12, arch + " " + tensor + " mean");
        assertEquals(std, got, 0.05 * std + 1e-12, arch + " " + tensor + " std");
    }

    @ParameterizedTest
    @MethodSource("archs")
    void classCountAndChannelsReachHeadAndStem(String arch) {
        Backbone model = Backbones.create(arch, 7, 1);
        Map<String, Parameter> sd = model.stateDict();
        assertEquals(1, sd.get(model.stemWeight()).shape().get(1), arch + " stem input channels");
        sd.forEach((name, p) -> {
            if (name.startsWith(model.headPrefix())) {
                assertEquals(7, p.shape().get(0), name);
            }
        });
        assertTrue(sd.containsKey(model.headPrefix() + "weight"), arch + " head weight");
    }

    // MobileNetV2, EfficientNet and ConvNeXt: parameter-free modules that --layer must find, head and stem.
    static Stream<Arguments> modernLayouts() {
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
    @MethodSource("modernLayouts")
    void modernLayoutMatchesTorchvision(String arch, long parameters, Map<String, Shape> someShapes, List<String> modules) {
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
    @MethodSource("modernLayouts")
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
