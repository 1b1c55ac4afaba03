package org.lumen.nn.model;

import java.io.IOException;
import java.nio.file.Path;
import org.lumen.core.io.AtomicFiles;

/** A model that {@link Checkpoints} can write: a model directory, replaced atomically. */
public interface SavedModel {
    /** Writes {@code dir} (model.json + weights.safetensors, plus whatever {@code extra} adds) atomically. */
    void save(Path dir, AtomicFiles.FolderWriter extra) throws IOException;
}
