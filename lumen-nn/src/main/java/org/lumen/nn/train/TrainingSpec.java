package org.lumen.nn.train;

import org.lumen.nn.model.SavedModel;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.lumen.nn.model.ModelInfo;

/**
 * What one task contributes to a {@link TrainingRun}: the model it trains (made new, or read back from
 * {@code RUN/last} to resume), the columns of its {@code results.csv}, and its {@link TrainingTask} (how a batch is
 * prepared, its loss, its validation metrics, the monitored one among them). Everything else (the epoch loop, the
 * resume check, {@code results.csv}, checkpoints, provenance, early stopping, callbacks) is the run's.
 *
 * @param <M> the model type: {@code Classifier}, {@code Segmenter}, {@code Detector}
 */
public interface TrainingSpec<M extends SavedModel & AutoCloseable> {
    /** The model this run trains, carrying {@code provenance} (complete, with the data fingerprint). */
    ModelInfo info(ObjectNode provenance);

    /** A new model for {@code info}: initialised from the run's seed, or from pretrained weights. */
    M create(ModelInfo info) throws IOException;

    /** The model saved in {@code last} ({@code RUN/last}), to continue. */
    M load(Path last);

    /** What {@code model} is (its architecture, size, classes, provenance), to compare with the run's. */
    ModelInfo infoOf(M model);

    /**
     * Provenance keys besides {@code data_fingerprint} that must be equal to resume (segmentation's {@code loss});
     * none by default.
     */
    default List<String> resumeKeys() {
        return List.of();
    }

    /** The columns of {@code results.csv} after {@code epoch}, in the order the task's rows have them. */
    List<String> columns(M model);

    /** The task's batches, loss and validation for {@code model}, each batch and loss through {@code hook}. */
    TrainingTask task(M model, TrainingHook hook);

    /**
     * A spec whose {@link #load} and {@link #infoOf} are a model class's own ({@code Classifier::load},
     * {@code Classifier::info}); the task writes the rest.
     */
    abstract class Of<M extends SavedModel & AutoCloseable> implements TrainingSpec<M> {
        private final Function<Path, M> load;
        private final Function<M, ModelInfo> info;

        protected Of(Function<Path, M> load, Function<M, ModelInfo> info) {
            this.load = load;
            this.info = info;
        }

        @Override
        public final M load(Path last) {
            return load.apply(last);
        }

        @Override
        public final ModelInfo infoOf(M model) {
            return info.apply(model);
        }
    }
}
