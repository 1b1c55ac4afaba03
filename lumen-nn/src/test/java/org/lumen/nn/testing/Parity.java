package org.lumen.nn.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.lumen.core.testing.Python;

/** Runs a PyTorch reference script with the shared helpers of {@code parity/lumen_ref.py} prepended. */
public final class Parity {
    private static final String HELPERS = resource("/parity/lumen_ref.py");

    private Parity() {}

    public static String run(Path workDir, String script, String... args) {
        return Python.run(workDir, HELPERS + "\n# ---- test script ----\n" + script, args);
    }

    private static String resource(String name) {
        try (InputStream in = Parity.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** max |a - b| over two equally long arrays. */
    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }

    public static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** Every tensor of a safetensors file as floats (int64 tensors converted), by name. */
    public static java.util.Map<String, float[]> readAll(Path file) {
        java.util.Map<String, float[]> out = new java.util.HashMap<>();
        try (org.lumen.nn.weights.SafeTensors st = org.lumen.nn.weights.SafeTensors.open(file)) {
            for (org.lumen.nn.weights.SafeTensors.Entry e : st.entries().values()) {
                if (e.dtype() == org.lumen.nn.weights.SafeTensors.DType.I64) {
                    java.nio.LongBuffer lb = st.read(e).asLongBuffer();
                    float[] f = new float[lb.remaining()];
                    for (int i = 0; i < f.length; i++) {
                        f[i] = lb.get(i);
                    }
                    out.put(e.name(), f);
                } else {
                    out.put(e.name(), st.readFloats(e));
                }
            }
        }
        return out;
    }
}
