package org.lumen.nn.train;

import org.lumen.nn.model.SavedModel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.lumen.core.LumenException;
import org.lumen.core.report.Plots;
import org.lumen.core.report.ResultsCsv;
import org.lumen.nn.model.ModelInfo;

/**
 * One training run into a run folder, the same for every task: {@code RUN/best} and {@code RUN/last} (model
 * directories, each replaced atomically; {@code last} with the state to resume), {@code RUN/results.csv} (one row
 * per epoch), {@code RUN/results.png} (the curves, redrawn after each epoch). The run owns the epoch loop
 * ({@link EpochLoop}: shuffling, schedule, validation, checkpoints, early stopping on {@link TrainConfig#patience()},
 * a stop on request through {@link TrainingStop}), the resume check, the continuity of {@code results.csv}, the
 * provenance every model carries (completed by {@link Provenance#complete} whatever the front end, with the
 * {@code data_fingerprint}) and the callbacks after each epoch. The task is a {@link TrainingSpec}; a new training
 * mode (adversarial, self-supervised, distillation) is a {@link TrainingHook} on the batches and the loss.
 *
 * <p>Resuming ({@code resume} true) continues {@code RUN/last} only if it is the run this one would be: the same
 * {@link TrainConfig} ({@link Checkpoints#resume}), the same model (architecture, input size, channels, classes)
 * and the same data (the fingerprint), and {@code results.csv} ends at the checkpoint's epoch (or one before, the
 * row then completed from the checkpoint); anything else is refused with a {@link LumenException} before any file
 * is written.
 */
public final class TrainingRun {
    /** The per-epoch log in the run folder. */
    public static final String RESULTS = "results.csv";
    /** The training-curve plot in the run folder, redrawn after every epoch. */
    public static final String CURVES = "results.png";

    private final Path run;
    private final TrainConfig config;
    private Progress progress = Progress.console();
    private TrainingHook hook = TrainingHook.NONE;
    private final List<EpochLog> callbacks = new ArrayList<>();

    /** A run of {@code config} into the folder {@code run}; progress to the console, no hook, no callbacks. */
    public TrainingRun(Path run, TrainConfig config) {
        this.run = run;
        this.config = config;
    }

    public TrainingRun withProgress(Progress p) {
        this.progress = p;
        return this;
    }

    /** Changes every batch and loss through {@code h} (default {@link TrainingHook#NONE}). */
    public TrainingRun withHook(TrainingHook h) {
        this.hook = Objects.requireNonNull(h);
        return this;
    }

    /** Calls {@code callback} after each epoch's checkpoints and {@code results.csv} row, with that row. */
    public TrainingRun withCallback(EpochLog callback) {
        callbacks.add(Objects.requireNonNull(callback));
        return this;
    }

    /** The run's {@code best} and {@code last}. */
    public Checkpoints checkpoints() {
        return new Checkpoints(run, config);
    }

    /**
     * Trains {@code spec}'s model from scratch (or its pretrained weights), or continues {@code RUN/last}.
     *
     * @param provenance the front end's provenance record, completed here (null: the Java API's)
     * @param data the data's folder, recorded when {@code provenance} has none (null: unknown)
     * @param fingerprint the data's fingerprint ({@link DataFingerprint#pair}), recorded as {@code data_fingerprint}
     * @return the final state
     */
    public <M extends SavedModel & AutoCloseable> TrainState train(TrainingSpec<M> spec, ObjectNode provenance,
            Path data, String fingerprint, boolean resume) throws IOException {
        ObjectNode prov = Provenance.complete(provenance, data, config);
        prov.put("data_fingerprint", fingerprint);
        ModelInfo want = spec.info(prov);
        Checkpoints checkpoints = checkpoints();
        TrainState state = resume ? checkpoints.resume() : TrainState.start();
        M model = resume ? resumable(spec, checkpoints.last(), want) : spec.create(want);
        try {
            TrainingTask task = spec.task(model, hook);
            task.freeze(config.freeze()); // refuses a bad freeze before any file is written
            ResultsCsv results = results(spec.columns(model), state);
            Path curves = run.resolve(CURVES);
            return EpochLoop.run(task, config, progress, (epoch, row) -> {
                results.append(epoch, row);
                Plots.trainingCurves(curves, results);
                for (EpochLog c : callbacks) {
                    c.append(epoch, row);
                }
            }, checkpoints, state);
        } finally {
            close(model);
        }
    }

    private static void close(AutoCloseable model) {
        try {
            model.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("closing the model: " + e.getMessage(), e);
        }
    }

    /** {@code results.csv}, completed to {@code state}'s epoch if the run stopped between checkpoint and row. */
    private ResultsCsv results(List<String> columns, TrainState state) throws IOException {
        Path file = run.resolve(RESULTS);
        ResultsCsv results = ResultsCsv.open(file, columns);
        if (results.lastEpoch() == state.epoch() - 1 && !state.row().isEmpty()) {
            results.append(state.epoch(), state.row()); // the run stopped after its checkpoint, before the log
        }
        if (results.lastEpoch() != state.epoch()) {
            throw new LumenException(file, "ends at epoch " + results.lastEpoch()
                    + " but the checkpoint in last/ is at epoch " + state.epoch() + "; the run folder was edited");
        }
        return results;
    }

    /**
     * {@code last}'s model, if it is the model this run would train: the same architecture, input size, channels,
     * classes and data (and {@link TrainingSpec#resumeKeys}). The configuration is checked by
     * {@link Checkpoints#resume}; these settings live in the model, and a mismatch would otherwise train the old
     * model or fail mid-epoch.
     */
    private static <M extends SavedModel & AutoCloseable> M resumable(TrainingSpec<M> spec, Path last, ModelInfo want) {
        M model = spec.load(last);
        ModelInfo have = spec.infoOf(model);
        List<String> diffs = new ArrayList<>();
        differ(diffs, "arch", have.arch(), want.arch());
        differ(diffs, "imgsz", have.imgsz(), want.imgsz());
        differ(diffs, "channels", have.channels(), want.channels());
        differ(diffs, "classes", have.classNames(), want.classNames());
        List<String> keys = new ArrayList<>(List.of("data_fingerprint"));
        keys.addAll(spec.resumeKeys());
        for (String key : keys) {
            differ(diffs, key, text(have.provenance(), key), text(want.provenance(), key));
        }
        if (!diffs.isEmpty()) {
            close(model);
            throw new LumenException(last.resolve("model.json"), "cannot resume: the run was started with other"
                    + " settings (" + String.join(", ", diffs) + "); resume with the same options and data or start a new run");
        }
        return model;
    }

    private static String text(JsonNode provenance, String key) {
        return provenance == null ? null : provenance.path(key).asText(null);
    }

    private static void differ(List<String> diffs, String name, Object was, Object now) {
        if (!Objects.equals(was, now)) {
            diffs.add(name + " was " + was + ", now " + now);
        }
    }
}
