package org.lumen.core.report;

import org.lumen.core.io.AtomicFiles;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The one JSON configuration for Lumen's output files.
 *
 * <ul>
 *   <li>Keys keep their order: a map is written in its iteration order (build output with a
 *       {@link java.util.LinkedHashMap}), a record in component order.</li>
 *   <li>NaN and infinities, which JSON cannot hold, are written as {@code null} (undefined metrics), also
 *       inside {@code double[]} and {@code float[]}.</li>
 *   <li>Files are pretty-printed ({@code "key": value}, two-space indent, arrays on one line), end with a
 *       newline, and are written atomically.</li>
 * </ul>
 */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new SimpleModule("lumen-non-finite")
            .addSerializer(Double.class, new NumberOrNull())
            .addSerializer(Double.TYPE, new NumberOrNull())
            .addSerializer(Float.class, new NumberOrNull())
            .addSerializer(Float.TYPE, new NumberOrNull())
            .addSerializer(double[].class, new ArrayOrNulls<>(double[].class))
            .addSerializer(float[].class, new ArrayOrNulls<>(float[].class)));
    private static final ObjectWriter PRETTY = MAPPER.writer(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n")));

    private Json() {}

    /** The configured mapper, for reading JSON and for callers that need Jackson directly; shared, so never reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Writes {@code value} as pretty-printed JSON ending in a newline, atomically. */
    public static void write(Path file, Object value) throws IOException {
        AtomicFiles.writeString(file, pretty(value) + "\n");
    }

    /** {@code value} as pretty-printed JSON. */
    public static String pretty(Object value) {
        return serialise(PRETTY, value);
    }

    /** {@code value} as JSON on one line, e.g. one record of a JSON-lines stream. */
    public static String line(Object value) {
        return serialise(MAPPER.writer(), value);
    }

    private static String serialise(ObjectWriter writer, Object value) {
        try {
            return new String(writer.writeValueAsBytes(value), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise " + value.getClass().getName() + " to JSON", e);
        }
    }

    private static void writeNumber(JsonGenerator gen, double value, boolean isFloat) throws IOException {
        if (!Double.isFinite(value)) {
            gen.writeNull();
        } else if (isFloat) {
            gen.writeNumber((float) value);
        } else {
            gen.writeNumber(value);
        }
    }

    /** A Double or Float, or null when it is not finite. */
    private static final class NumberOrNull extends StdSerializer<Number> {
        private static final long serialVersionUID = 1L;

        NumberOrNull() {
            super(Number.class);
        }

        @Override
        public void serialize(Number value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            writeNumber(gen, value.doubleValue(), value instanceof Float);
        }
    }

    /** A double[] or float[] with its non-finite entries as null. */
    private static final class ArrayOrNulls<T> extends StdSerializer<T> {
        private static final long serialVersionUID = 1L;

        ArrayOrNulls(Class<T> type) {
            super(type);
        }

        @Override
        public void serialize(T array, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartArray();
            if (array instanceof float[] floats) {
                for (float f : floats) {
                    writeNumber(gen, f, true);
                }
            } else {
                for (double d : (double[]) array) {
                    writeNumber(gen, d, false);
                }
            }
            gen.writeEndArray();
        }
    }
}
