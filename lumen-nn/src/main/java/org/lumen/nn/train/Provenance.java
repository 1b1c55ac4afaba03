package org.lumen.nn.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.lumen.core.Version;

/**
 * The provenance record every trained model carries in its {@code model.json} (Tribuo-style: enough to rebuild
 * it): Lumen's version and git commit, the command (or API) that trained it, the seed, the data folder, the full
 * {@link TrainConfig}, and the {@code data_fingerprint} that {@link TrainingRun} adds. A front end adds its own
 * keys (the architecture, the weights it started from); a run started through the Java API gets the record too.
 */
public final class Provenance {
    /** The {@code command} of a run started through the Java API rather than a command line. */
    public static final String API = "java api";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Provenance() {}

    /**
     * The record of a run started by {@code command} on {@code data} (null: unknown) with {@code seed} and
     * {@code config}: {@code lumen_version}, {@code git_commit} (the system property {@code lumen.git.commit},
     * else {@code unknown}), {@code command}, {@code seed}, {@code data} (absolute), {@code config}.
     */
    public static ObjectNode of(String command, Path data, long seed, TrainConfig config) {
        ObjectNode p = JSON.createObjectNode();
        p.put("lumen_version", Version.VERSION);
        p.put("git_commit", System.getProperty("lumen.git.commit", "unknown"));
        p.put("command", command);
        p.put("seed", seed);
        p.put("data", data == null ? null : data.toAbsolutePath().normalize().toString());
        p.set("config", config.toJson());
        return p;
    }

    /**
     * A copy of {@code given} (null: none) with whatever of {@link #of}'s keys it lacks, for a run of
     * {@code config} on {@code data}; the keys it has stay as they are, in their order.
     */
    public static ObjectNode complete(ObjectNode given, Path data, TrainConfig config) {
        ObjectNode full = of(API, data, config.seed(), config);
        if (given == null) {
            return full;
        }
        ObjectNode p = given.deepCopy();
        full.properties().forEach(e -> {
            if (!p.has(e.getKey())) {
                p.set(e.getKey(), e.getValue());
            }
        });
        return p;
    }
}
