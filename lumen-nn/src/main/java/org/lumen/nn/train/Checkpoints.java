package org.lumen.nn.train;

import org.lumen.nn.model.SavedModel;
import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lumen.core.LumenException;
import org.lumen.nn.weights.SafeTensors;
import org.lumen.nn.weights.SafeTensorsWriter;

/**
 * {@code RUN/best} and {@code RUN/last}: model directories, each replaced atomically. {@code last} also holds
 * {@code train_state.json} (epoch, best metric, optimiser step count, the configuration and its hash) and
 * {@code optimizer.safetensors} (the optimiser's buffers), which is what {@link #resume} reads.
 */
public final class Checkpoints {
    public static final String STATE = "train_state.json";
    public static final String OPTIMIZER = "optimizer.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path run;
    private final TrainConfig config;

    public Checkpoints(Path run, TrainConfig config) {
        this.run = run;
        this.config = config;
    }

    public Path best() {
        return run.resolve("best");
    }

    public Path last() {
        return run.resolve("last");
    }

    void saveBest(SavedModel model, TrainState state) throws IOException {
        model.save(best(), dir -> writeState(dir, state));
    }

    void saveLast(SavedModel model, TrainState state, Optimizer opt) throws IOException {
        model.save(last(), dir -> {
            writeState(dir, state);
            Map<String, NDArray> buffers = new LinkedHashMap<>(opt.state());
            SafeTensorsWriter.write(dir.resolve(OPTIMIZER), buffers, Map.of("optimizer", config.optimizer()));
        });
    }

    private void writeState(Path dir, TrainState state) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("epoch", state.epoch());
        o.put("best_metric", state.bestMetric());
        o.put("best_epoch", state.bestEpoch());
        o.put("monitor", config.monitor());
        o.put("optimizer_steps", state.optimizerSteps());
        o.put("config_hash", config.hash());
        o.set("config", config.toJson());
        o.set("results_row", JSON.valueToTree(state.row()));
        Files.writeString(dir.resolve(STATE), JSON.writeValueAsString(o) + "\n");
    }

    /**
     * The state to continue from {@code RUN/last}, or a {@link LumenException} saying why the run cannot be
     * resumed: no checkpoint, a different configuration (the differing settings are named), or a run that is
     * already complete.
     */
    public TrainState resume() {
        Path file = last().resolve(STATE);
        if (!Files.isRegularFile(file)) {
            throw new LumenException(last(), "cannot resume: no " + STATE + " (was this run started by lumen train?)");
        }
        JsonNode o;
        try {
            o = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new LumenException(file, "cannot resume: unreadable training state: " + e.getMessage());
        }
        if (!config.hash().equals(o.path("config_hash").asText())) {
            throw new LumenException(file, "cannot resume: the run was started with other settings ("
                    + differences(o.path("config"), config.toJson()) + "); resume with the same options or start a new run");
        }
        int epoch = o.path("epoch").asInt();
        if (epoch >= config.epochs()) {
            throw new LumenException(file, "cannot resume: the run already finished all " + config.epochs() + " epochs");
        }
        Map<String, float[]> buffers = new LinkedHashMap<>();
        try (SafeTensors st = SafeTensors.open(last().resolve(OPTIMIZER))) {
            for (SafeTensors.Entry e : st.entries().values()) {
                buffers.put(e.name(), st.readFloats(e));
            }
        }
        Map<String, Double> row = new LinkedHashMap<>();
        o.path("results_row").properties().forEach(e -> row.put(e.getKey(), e.getValue().asDouble(Double.NaN)));
        return new TrainState(epoch, o.path("best_metric").asDouble(Double.NaN), o.path("best_epoch").asInt(),
                o.path("optimizer_steps").asLong(), buffers, row);
    }

    private static String differences(JsonNode saved, JsonNode now) {
        List<String> diffs = new ArrayList<>();
        for (Iterator<String> it = now.fieldNames(); it.hasNext();) {
            String k = it.next();
            // as text: a long read back from JSON is an int node, and 0 must equal 0
            if (!String.valueOf(now.get(k)).equals(String.valueOf(saved.get(k)))) {
                diffs.add(k + " was " + saved.get(k) + ", now " + now.get(k));
            }
        }
        return diffs.isEmpty() ? "unknown difference" : String.join(", ", diffs);
    }
}
