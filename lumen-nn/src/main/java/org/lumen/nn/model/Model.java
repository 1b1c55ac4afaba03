package org.lumen.nn.model;

import java.nio.file.Path;
import java.util.List;
import org.lumen.core.LumenException;
import org.lumen.core.image.Image;

/**
 * Any loaded Lumen model, run one way: {@link #run} takes decoded images of any size (as
 * {@link org.lumen.core.image.ImageDecoder} gives them: physical values, any channel count) and gives one
 * {@link Prediction} per image in that image's own pixels. Preprocessing is inside: physical values stretched,
 * channels adapted, resized to the model's {@code imgsz} (bilinear, antialiased) and normalised with the
 * model.json's mean and std, as training saw them. Closing a model frees its native memory.
 */
public interface Model extends AutoCloseable, SavedModel {
    /** What model.json says about the model. */
    ModelInfo info();

    /**
     * One result per image, in order: a {@link Classification} for a classifier, a {@link Segmentation} (class
     * map at the image's size) for a segmenter, {@link Detections} (at the detector's default confidence, at most
     * {@code Detector.DEFAULT_MAX_DET} per image) for a detector. The images go through in one batch.
     */
    List<? extends Prediction> run(List<Image> images);

    @Override
    void close();

    /**
     * Loads a model directory as the model its model.json's task names ({@code classify}, {@code segment},
     * {@code detect}); the caller closes it.
     *
     * @throws LumenException naming model.json for a task Lumen does not know
     */
    static Model load(Path dir) {
        return load(ModelDir.open(dir));
    }

    /** {@link #load(Path)} for a directory already opened (perhaps {@link ModelDir#withImgsz resized}). */
    static Model load(ModelDir dir) {
        List<ModelLoader> loaders = ModelLoader.all();
        for (ModelLoader loader : loaders) {
            if (loader.task().equals(dir.task())) {
                return loader.load(dir);
            }
        }
        List<String> tasks = loaders.stream().map(ModelLoader::task).toList();
        String known = tasks.size() < 2 ? String.join("", tasks)
                : String.join(", ", tasks.subList(0, tasks.size() - 1)) + " or " + tasks.get(tasks.size() - 1);
        throw new LumenException(dir.json(), "unknown task '" + dir.task() + "' (" + known + ")");
    }
}
