package org.lumen.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.lumen.core.Version;
import org.lumen.nn.train.TrainConfig;

/** The provenance record every trained model carries in its model.json (Tribuo-style: enough to rebuild it). */
final class Provenance {
    private Provenance() {}

    static ObjectNode of(String command, Path data, long seed, TrainConfig config) {
        ObjectNode p = new ObjectMapper().createObjectNode();
        p.put("lumen_version", Version.VERSION);
        p.put("git_commit", System.getProperty("lumen.git.commit", "unknown"));
        p.put("command", command);
        p.put("seed", seed);
        p.put("data", data.toAbsolutePath().normalize().toString());
        p.set("config", config.toJson());
        return p;
    }
}
