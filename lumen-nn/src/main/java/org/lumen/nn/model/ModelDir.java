package org.lumen.nn.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.lumen.core.LumenException;
import org.lumen.core.io.AtomicFiles;
import org.lumen.nn.module.Module;
import org.lumen.nn.weights.Weights;

/**
 * A model directory: {@code model.json} (the {@link ModelInfo}) and {@code weights.safetensors} (float32,
 * torchvision names), its {@code model.json} read once when it is opened.
 *
 * <p>{@link #withImgsz} gives the same directory run at another input size without reading anything again;
 * {@link #expect} refuses, naming {@code model.json}, a directory that holds another task's model.
 * {@link #save} replaces a directory atomically, so a crash never leaves a half-written model.
 */
public record ModelDir(Path path, ModelInfo info) {
    public static final String MODEL_JSON = "model.json";
    public static final String WEIGHTS = "weights.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Opens {@code dir}, reading its model.json.
     *
     * @throws LumenException naming the folder or file when there is no model.json or it is not valid
     */
    public static ModelDir open(Path dir) {
        return new ModelDir(dir, ModelInfo.read(dir));
    }

    /** The file {@code model.json}. */
    public Path json() {
        return path.resolve(MODEL_JSON);
    }

    /** The file {@code weights.safetensors}. */
    public Path weights() {
        return path.resolve(WEIGHTS);
    }

    /** The task {@code model.json} declares ({@code classify}, {@code segment}, {@code detect}). */
    public String task() {
        return info.task();
    }

    /** This directory's model at input size {@code imgsz} (checked as {@link ModelInfo#checkImgsz}). */
    public ModelDir withImgsz(int imgsz) {
        return imgsz == info.imgsz() ? this : new ModelDir(path, info.withImgsz(imgsz));
    }

    /**
     * This directory if its model is of {@code task}.
     *
     * @param what how the refusal names the wanted kind, e.g. {@code "a classification model"}
     * @throws LumenException naming model.json: {@code task is 'detect', not a classification model}
     */
    public ModelDir expect(String task, String what) {
        if (!info.task().equals(task)) {
            throw new LumenException(json(), "task is '" + info.task() + "', not " + what);
        }
        return this;
    }

    /**
     * Writes {@code dir} atomically: model.json from {@code info}, the weights of {@code net} (safetensors
     * metadata {@code format: pt} and the arch) and whatever {@code extra} adds (may be null).
     */
    public static void save(Path dir, ModelInfo info, Module net, AtomicFiles.FolderWriter extra) throws IOException {
        AtomicFiles.writeFolder(dir, tmp -> {
            Files.writeString(tmp.resolve(MODEL_JSON), JSON.writeValueAsString(info.toJson()) + "\n");
            Weights.save(net, tmp.resolve(WEIGHTS), Map.of("format", "pt", "arch", info.arch()));
            if (extra != null) {
                extra.write(tmp);
            }
        });
    }
}
