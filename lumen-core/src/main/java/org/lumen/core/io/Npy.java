package org.lumen.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lumen.core.LumenException;

/**
 * NumPy {@code .npy} files: the format of Lumen's heatmaps (DESIGN.md section 3).
 *
 * <p>{@link #write} produces the same bytes as {@code numpy.save} (format 1.0, C order, {@code '<f4'}, the
 * header padded with spaces and a newline so the data starts at a multiple of 64 bytes). {@link #read}
 * accepts format 1.0-3.0 files of {@code '<f4'}, {@code '<f8'}, {@code '<i8'}, {@code '<i4'} and
 * {@code '|u1'} in C order, and refuses anything else (Fortran order, big-endian, other dtypes, bad magic,
 * a malformed header, truncated or trailing data) with a {@link LumenException} naming the fault. The file
 * size is checked against the header before any data is allocated.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    /** numpy leaves room for the first axis to grow to this many digits. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final int MAX_HEADER_BYTES = 100_000;
    private static final int CHUNK_BYTES = 1 << 20;

    private Npy() {}

    /** The element types {@link #read} accepts, by their NumPy {@code descr}. */
    private enum Dtype {
        F4(4), F8(8), I8(8), I4(4), U1(1);

        final int bytes;

        Dtype(int bytes) {
            this.bytes = bytes;
        }

        static Dtype of(String descr) {
            return switch (descr) {
                case "<f4" -> F4;
                case "<f8" -> F8;
                case "<i8" -> I8;
                case "<i4" -> I4;
                case "|u1", "<u1" -> U1;
                default -> null;
            };
        }
    }

    /**
     * An array read from a {@code .npy} file, in C order. {@code '<f4'} data is held as {@code float[]},
     * {@code '<f8'} as {@code double[]}, and the integer types widened to {@code long[]}.
     */
    public static final class Array {
        private final String descr;
        private final int[] shape;
        private final Object data;

        private Array(String descr, int[] shape, Object data) {
            this.descr = descr;
            this.shape = shape;
            this.data = data;
        }

        /** NumPy's type string, e.g. {@code "<f4"}. */
        public String descr() {
            return descr;
        }

        /** A copy of the shape; empty for a 0-d array. */
        public int[] shape() {
            return shape.clone();
        }

        /** The {@code '<f4'} data. @throws IllegalStateException for any other type */
        public float[] floats() {
            if (data instanceof float[]) {
                return (float[]) data;
            }
            throw new IllegalStateException("array of " + descr + " is not float32");
        }

        /** The integer data widened to long. @throws IllegalStateException for a floating-point type */
        public long[] longs() {
            if (data instanceof long[]) {
                return (long[]) data;
            }
            throw new IllegalStateException("array of " + descr + " is not of an integer type");
        }

        /** The data of any type as double (a copy unless {@code '<f8'}; exact except int64 beyond 2^53). */
        public double[] doubles() {
            if (data instanceof double[]) {
                return (double[]) data;
            }
            if (data instanceof float[]) {
                float[] f = (float[]) data;
                double[] d = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    d[i] = f[i];
                }
                return d;
            }
            return Arrays.stream((long[]) data).asDoubleStream().toArray();
        }
    }

    /**
     * Writes {@code data} as a float32 C-order array of {@code shape}, atomically.
     *
     * @throws IllegalArgumentException if a dimension is negative or the shape does not hold data.length values
     */
    public static void write(Path file, float[] data, int... shape) throws IOException {
        long count = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            count *= d;
        }
        if (count != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + count
                    + " values, not " + data.length);
        }
        byte[] header = header(shape);
        AtomicFiles.write(file, out -> {
            out.write(header);
            writeFloats(out, data);
        });
    }

    /** Magic, version 1.0, header length and the padded header dict, as numpy 1.24's {@code _wrap_header}. */
    private static byte[] header(int[] shape) {
        StringBuilder dict = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            dict.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        dict.append(shape.length == 1 ? ",), }" : "), }");
        if (shape.length > 0) {
            dict.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Integer.toString(shape[0]).length()));
        }
        int withNewline = dict.length() + 1;
        int pad = ALIGN - (MAGIC.length + 2 + 2 + withNewline) % ALIGN; // numpy pads a full 64 when aligned
        dict.append(" ".repeat(pad)).append('\n');
        byte[] text = dict.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length).put(text);
        return b.array();
    }

    private static void writeFloats(OutputStream out, float[] data) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < data.length; ) {
            int n = Math.min(CHUNK_BYTES / 4, data.length - i);
            chunk.clear();
            chunk.asFloatBuffer().put(data, i, n);
            out.write(chunk.array(), 0, n * 4);
            i += n;
        }
    }

    /**
     * Reads a {@code .npy} file.
     *
     * @throws LumenException naming the fault if the file is not a supported, intact {@code .npy} array
     */
    public static Array read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer prefix = readFully(ch, 8, file, "file is shorter than the .npy magic and version");
            byte[] magic = new byte[MAGIC.length];
            prefix.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new LumenException(file, "not a NumPy .npy file (bad magic bytes)");
            }
            int major = prefix.get() & 0xff;
            if (major < 1 || major > 3) {
                throw new LumenException(file, "unsupported .npy format version " + major + "." + (prefix.get() & 0xff));
            }
            int lengthBytes = major == 1 ? 2 : 4;
            ByteBuffer length = readFully(ch, lengthBytes, file, "truncated .npy header");
            long headerLength = major == 1 ? length.getShort() & 0xffff : length.getInt() & 0xffffffffL;
            if (headerLength > MAX_HEADER_BYTES) {
                throw new LumenException(file, ".npy header of " + headerLength + " bytes is larger than "
                        + MAX_HEADER_BYTES);
            }
            ByteBuffer headerBytes = readFully(ch, (int) headerLength, file, "truncated .npy header");
            Header header = Header.parse(
                    new String(headerBytes.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1), file);
            Dtype dtype = checkSupported(header, file);
            long expected = header.count() * dtype.bytes;
            long actual = ch.size() - ch.position();
            if (actual < expected) {
                throw new LumenException(file, "data truncated: shape " + Arrays.toString(header.shape()) + " of "
                        + header.descr() + " needs " + expected + " bytes, the file holds " + actual);
            }
            if (actual > expected) {
                throw new LumenException(file, (actual - expected) + " unexpected bytes after the array data");
            }
            return new Array(header.descr(), header.shape(), readData(ch, dtype, (int) header.count(), file));
        }
    }

    private static Dtype checkSupported(Header header, Path file) {
        if (header.fortranOrder()) {
            throw new LumenException(file, "Fortran-order array; save a C-order one (numpy.ascontiguousarray)");
        }
        if (header.descr().startsWith(">")) {
            throw new LumenException(file, "big-endian dtype '" + header.descr() + "'; save as little-endian ('<')");
        }
        Dtype dtype = Dtype.of(header.descr());
        if (dtype == null) {
            throw new LumenException(file, "unsupported dtype '" + header.descr()
                    + "'; supported: '<f4', '<f8', '<i8', '<i4', '|u1'");
        }
        return dtype;
    }

    private static Object readData(FileChannel ch, Dtype dtype, int count, Path file) throws IOException {
        float[] floats = dtype == Dtype.F4 ? new float[count] : null;
        double[] doubles = dtype == Dtype.F8 ? new double[count] : null;
        long[] longs = floats == null && doubles == null ? new long[count] : null;
        int perChunk = CHUNK_BYTES / dtype.bytes;
        for (int i = 0; i < count; i += perChunk) {
            int n = Math.min(perChunk, count - i);
            ByteBuffer b = readFully(ch, n * dtype.bytes, file, "data truncated");
            switch (dtype) {
                case F4 -> b.asFloatBuffer().get(floats, i, n);
                case F8 -> b.asDoubleBuffer().get(doubles, i, n);
                case I8 -> b.asLongBuffer().get(longs, i, n);
                case I4 -> {
                    for (int j = 0; j < n; j++) {
                        longs[i + j] = b.getInt();
                    }
                }
                case U1 -> {
                    for (int j = 0; j < n; j++) {
                        longs[i + j] = b.get() & 0xff;
                    }
                }
            }
        }
        return floats != null ? floats : doubles != null ? doubles : longs;
    }

    private static ByteBuffer readFully(FileChannel ch, int bytes, Path file, String ifShort) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new LumenException(file, ifShort);
            }
        }
        return b.flip();
    }

    /** The header dict, e.g. {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}. */
    private record Header(String descr, boolean fortranOrder, int[] shape, long count) {
        /** Java arrays hold at most about this many elements. */
        private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

        static Header parse(String text, Path file) {
            HeaderParser p = new HeaderParser(text, file);
            Map<String, Object> dict = p.dict();
            if (!dict.keySet().equals(Set.of("descr", "fortran_order", "shape"))
                    || !(dict.get("descr") instanceof String descr)
                    || !(dict.get("fortran_order") instanceof Boolean fortranOrder)
                    || !(dict.get("shape") instanceof int[] shape)) {
                throw p.fault("need exactly 'descr' (a string), 'fortran_order' (a bool) and 'shape' (a tuple)");
            }
            long count = 1;
            for (int d : shape) {
                count *= d;
                if (count > MAX_ELEMENTS) {
                    throw new LumenException(file, "shape " + Arrays.toString(shape) + " has more elements than a Java array holds");
                }
            }
            return new Header(descr, fortranOrder, shape, count);
        }
    }

    /** Reads the Python literal subset numpy writes: a dict of string keys to strings, bools and int tuples. */
    private static final class HeaderParser {
        private final String text;
        private final Path file;
        private int pos;

        HeaderParser(String text, Path file) {
            this.text = text;
            this.file = file;
        }

        Map<String, Object> dict() {
            Map<String, Object> dict = new HashMap<>();
            expect('{');
            while (peek() != '}') {
                String key = string();
                expect(':');
                if (dict.put(key, value()) != null) {
                    throw fault("key '" + key + "' appears twice");
                }
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw fault("expected ',' or '}'");
                }
            }
            pos++;
            if (!text.substring(pos).isBlank()) {
                throw fault("text after the closing '}'");
            }
            return dict;
        }

        private Object value() {
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                return tuple();
            }
            for (String word : new String[] {"True", "False"}) {
                if (text.startsWith(word, pos)) {
                    pos += word.length();
                    return word.equals("True");
                }
            }
            throw fault("unsupported value");
        }

        private int[] tuple() {
            expect('(');
            List<Integer> dims = new ArrayList<>();
            while (peek() != ')') {
                int start = pos;
                while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                    pos++;
                }
                if (start == pos || pos - start > 10 || Long.parseLong(text.substring(start, pos)) > Integer.MAX_VALUE) {
                    throw fault("shape entries must be non-negative integers below 2^31");
                }
                dims.add(Integer.parseInt(text.substring(start, pos)));
                if (peek() == ',') {
                    pos++;
                } else if (peek() != ')') {
                    throw fault("expected ',' or ')' in the shape");
                }
            }
            pos++;
            return dims.stream().mapToInt(Integer::intValue).toArray();
        }

        private String string() {
            char quote = peek();
            if (quote != '\'' && quote != '"') {
                throw fault("expected a quoted string");
            }
            int end = text.indexOf(quote, pos + 1);
            if (end < 0) {
                throw fault("unterminated string");
            }
            String s = text.substring(pos + 1, end);
            pos = end + 1;
            return s;
        }

        private void expect(char c) {
            if (peek() != c) {
                throw fault("expected '" + c + "'");
            }
            pos++;
        }

        /** The next non-blank character, or 0 at the end. */
        private char peek() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
            return pos < text.length() ? text.charAt(pos) : 0;
        }

        LumenException fault(String what) {
            return new LumenException(file, "malformed .npy header at character " + pos + ": " + what);
        }
    }
}
