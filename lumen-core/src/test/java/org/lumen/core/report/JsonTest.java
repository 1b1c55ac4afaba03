package org.lumen.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {
    @TempDir
    Path dir;

    @Test
    void nonFiniteNumbersBecomeNullEverywhere() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("nan", Double.NaN);
        value.put("inf", Float.POSITIVE_INFINITY);
        value.put("doubles", new double[] {1.5, Double.NEGATIVE_INFINITY});
        value.put("floats", new float[] {Float.NaN, 0.25f});
        value.put("boxed", List.of(Double.NaN, 2.0));
        value.put("record", new Point(Double.NaN, 0.1f));
        assertEquals("{\"nan\":null,\"inf\":null,\"doubles\":[1.5,null],\"floats\":[null,0.25],\"boxed\":[null,2.0],"
                + "\"record\":{\"x\":null,\"y\":0.1}}", Json.line(value));
    }

    record Point(double x, float y) {}

    @Test
    void writesPrettyInInsertionOrderWithFinalNewline() throws IOException {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("zeta", 1);
        value.put("alpha", Map.of("k", new long[] {1, 2}));
        Json.write(dir.resolve("out.json"), value);
        assertEquals("{\n  \"zeta\": 1,\n  \"alpha\": {\n    \"k\": [ 1, 2 ]\n  }\n}\n", Files.readString(dir.resolve("out.json")));
    }
}
