package org.lumen.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lumen.core.Version;

/** A run started through the Java API gets the whole provenance record; a front end's record is kept as it is. */
class ProvenanceTest {
    private static final TrainConfig CONFIG = TrainConfig.builder().epochs(3).seed(11).build();

    @Test
    void theJavaApiGetsTheWholeRecord() {
        ObjectNode p = Provenance.complete(null, Path.of("data/survey"), CONFIG);
        assertEquals(List.of("lumen_version", "git_commit", "command", "seed", "data", "config"), keys(p));
        assertEquals(Version.VERSION, p.get("lumen_version").asText());
        assertEquals(Provenance.API, p.get("command").asText());
        assertEquals(11, p.get("seed").asLong());
        assertEquals(Path.of("data/survey").toAbsolutePath().normalize().toString(), p.get("data").asText());
        assertEquals(CONFIG.toJson(), p.get("config"));
        assertEquals(CONFIG.hash(), TrainConfig.builder().epochs(3).seed(11).build().hash());
    }

    @Test
    void aFrontEndsRecordKeepsItsKeysAndOrder() {
        ObjectNode given = Provenance.of("lumen train", Path.of("d"), 11, CONFIG);
        given.put("arch", "resnet18");
        ObjectNode done = Provenance.complete(given, Path.of("elsewhere"), CONFIG);
        assertEquals(given, done);
        assertEquals(keys(given), keys(done));
        ObjectNode partial = Provenance.complete(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                .put("command", "notebook"), null, CONFIG);
        assertEquals("notebook", partial.get("command").asText());
        assertEquals("command", keys(partial).get(0));
        assertFalse(partial.get("data").isTextual(), "no data folder known");
    }

    private static List<String> keys(ObjectNode o) {
        List<String> k = new ArrayList<>();
        o.fieldNames().forEachRemaining(k::add);
        return k;
    }
}
