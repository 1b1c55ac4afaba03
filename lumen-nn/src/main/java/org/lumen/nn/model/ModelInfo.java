package org.lumen.nn.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.LumenException;

/**
 * What a model directory's {@code model.json} says: the task, the architecture, the classes, the input it
 * expects (size, channels, normalisation) and its provenance (Lumen version, git commit, seed, data
 * fingerprint, the full configuration), so a model can be run correctly and rebuilt from its record.
 */
public record ModelInfo(String task, String arch, List<String> classNames, int imgsz, int channels, float[] mean,
        float[] std, ObjectNode provenance) {
    /** ImageNet statistics, torchvision's normalisation for its pretrained weights. */
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The input sizes Lumen accepts, in pixels ({@link #checkImgsz}). */
    public static final int MIN_IMGSZ = 16;
    public static final int MAX_IMGSZ = 4096;

    /**
     * {@code s} if it lies in {@code [MIN_IMGSZ, MAX_IMGSZ]}: the one rule for an input size, wherever it is set.
     *
     * @throws LumenException the setting {@code imgsz}: {@code must be between 16 and 4096, got s}
     */
    public static int checkImgsz(int s) {
        if (s < MIN_IMGSZ || s > MAX_IMGSZ) {
            throw LumenException.setting("imgsz", "must be between " + MIN_IMGSZ + " and " + MAX_IMGSZ + ", got " + s);
        }
        return s;
    }

    /** This model run at input size {@code s} (checked by {@link #checkImgsz}); everything else kept. */
    public ModelInfo withImgsz(int s) {
        return new ModelInfo(task, arch, classNames, checkImgsz(s), channels, mean, std, provenance);
    }

    public int numClasses() {
        return classNames.size();
    }

    /** ImageNet normalisation for 3 channels; for other counts, the mean of ImageNet's per channel. */
    public static float[][] defaultNormalisation(int channels) {
        if (channels == 3) {
            return new float[][] {IMAGENET_MEAN.clone(), IMAGENET_STD.clone()};
        }
        float[] mean = new float[channels];
        float[] std = new float[channels];
        java.util.Arrays.fill(mean, (IMAGENET_MEAN[0] + IMAGENET_MEAN[1] + IMAGENET_MEAN[2]) / 3);
        java.util.Arrays.fill(std, (IMAGENET_STD[0] + IMAGENET_STD[1] + IMAGENET_STD[2]) / 3);
        return new float[][] {mean, std};
    }

    /** Class names {@code class0 .. class<k-1>} for weights that come without a model.json. */
    public static List<String> anonymousClasses(int k) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            names.add("class" + i);
        }
        return names;
    }

    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("task", task);
        o.put("arch", arch);
        o.put("num_classes", numClasses());
        ArrayNode names = o.putArray("class_names");
        classNames.forEach(names::add);
        o.put("imgsz", imgsz);
        o.put("channels", channels);
        ObjectNode norm = o.putObject("normalisation");
        ArrayNode m = norm.putArray("mean");
        for (float v : mean) {
            m.add(v);
        }
        ArrayNode s = norm.putArray("std");
        for (float v : std) {
            s.add(v);
        }
        o.set("provenance", provenance == null ? JSON.createObjectNode() : provenance);
        return o;
    }

    /**
     * Reads a model directory's {@code model.json}, whatever the task.
     *
     * @throws org.lumen.core.LumenException naming the folder or file when there is none or it is not valid
     */
    public static ModelInfo read(Path dir) {
        Path json = dir.resolve("model.json");
        if (!java.nio.file.Files.isRegularFile(json)) {
            throw new org.lumen.core.LumenException(dir, "not a model directory (no model.json)");
        }
        JsonNode node;
        try {
            node = JSON.readTree(json.toFile());
        } catch (java.io.IOException e) {
            throw new org.lumen.core.LumenException(json, "not valid JSON: " + e.getMessage());
        }
        return fromJson(json, node);
    }

    /** Parses a model.json, naming the file and the field at fault. */
    public static ModelInfo fromJson(Path file, JsonNode o) {
        String task = text(file, o, "task");
        String arch = text(file, o, "arch");
        JsonNode names = o.path("class_names");
        if (!names.isArray() || names.size() == 0) {
            throw new LumenException(file, "class_names must be a non-empty array");
        }
        List<String> classes = new ArrayList<>();
        names.forEach(n -> classes.add(n.asText()));
        if (o.has("num_classes") && o.path("num_classes").asInt() != classes.size()) {
            throw new LumenException(file, "num_classes " + o.path("num_classes") + " but " + classes.size()
                    + " class_names");
        }
        int imgsz = positive(file, o, "imgsz");
        int channels = positive(file, o, "channels");
        float[] mean = floats(file, o.path("normalisation").path("mean"), channels, "normalisation.mean");
        float[] std = floats(file, o.path("normalisation").path("std"), channels, "normalisation.std");
        JsonNode prov = o.path("provenance");
        return new ModelInfo(task, arch, List.copyOf(classes), imgsz, channels, mean, std,
                prov instanceof ObjectNode p ? p : JSON.createObjectNode());
    }

    private static String text(Path file, JsonNode o, String key) {
        if (!o.path(key).isTextual()) {
            throw new LumenException(file, "missing or non-text field '" + key + "'");
        }
        return o.path(key).asText();
    }

    private static int positive(Path file, JsonNode o, String key) {
        JsonNode n = o.path(key);
        if (!n.isInt() || n.asInt() < 1) {
            throw new LumenException(file, "field '" + key + "' must be a positive integer, got " + n);
        }
        return n.asInt();
    }

    private static float[] floats(Path file, JsonNode a, int n, String key) {
        if (!a.isArray() || a.size() != n) {
            throw new LumenException(file, key + " must be an array of " + n + " numbers");
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) a.get(i).asDouble();
        }
        return v;
    }
}
