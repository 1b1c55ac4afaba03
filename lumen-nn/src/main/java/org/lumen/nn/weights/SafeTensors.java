package org.lumen.nn.weights;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lumen.core.LumenException;

/**
 * A safetensors file, opened and checked before any tensor is read.
 *
 * <p>Format: an 8-byte little-endian header length {@code n}, {@code n} bytes of JSON mapping each tensor name
 * to {@code {dtype, shape, data_offsets: [begin, end]}} (offsets relative to the end of the header) plus an
 * optional {@code __metadata__} string map, then the data. {@link #open} refuses, with a
 * {@link LumenException} naming the fault: a header longer than {@link #MAX_HEADER_BYTES} or than the file,
 * JSON that is not an object or has duplicate keys, an unknown dtype, a negative dimension, a byte range that
 * does not equal the shape's size, ranges that overlap, leave holes or do not end at the end of the file.
 */
public final class SafeTensors implements AutoCloseable {
    /** Headers above this are refused before being read (the format's own reference caps them at 100 MB). */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    /** One tensor's entry in the header. Offsets are absolute positions in the file. */
    public record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        public long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** The element types Lumen reads. */
    public enum DType {
        F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), U8(1), BOOL(1);

        public final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path path;
    private final FileChannel channel;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafeTensors(Path path, FileChannel channel, Map<String, Entry> entries, Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens and validates {@code path}; the caller closes it. */
    public static SafeTensors open(Path path) {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
            long size = ch.size();
            if (size < 8) {
                throw new LumenException(path, "not a safetensors file: " + size + " bytes, shorter than its header");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long n = lenBuf.flip().getLong();
            if (n < 2 || n > MAX_HEADER_BYTES || n > size - 8) {
                throw new LumenException(path, "safetensors header length " + Long.toUnsignedString(n)
                        + " is out of range (file has " + size + " bytes, limit " + MAX_HEADER_BYTES + ")");
            }
            ByteBuffer header = ByteBuffer.allocate((int) n);
            readFully(ch, header, 8);
            SafeTensors st = parse(path, ch, new String(header.array(), StandardCharsets.UTF_8), 8 + n, size);
            ch = null; // owned by st now
            return st;
        } catch (NoSuchFileException e) {
            throw new LumenException(path, "no such file");
        } catch (IOException e) {
            throw new LumenException(path, "cannot read weights: " + e.getMessage(), e);
        } finally {
            closeQuietly(ch);
        }
    }

    private static SafeTensors parse(Path path, FileChannel ch, String headerText, long dataStart, long size) {
        JsonNode root;
        try {
            root = JSON.readTree(headerText);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new LumenException(path, "safetensors header is not valid JSON: " + e.getOriginalMessage());
        }
        if (!(root instanceof ObjectNode)) {
            throw new LumenException(path, "safetensors header is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> list = new ArrayList<>();
        for (Map.Entry<String, JsonNode> f : root.properties()) {
            if (f.getKey().equals("__metadata__")) {
                f.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
            } else {
                list.add(entry(path, f.getKey(), f.getValue(), dataStart));
            }
        }
        list.sort(Comparator.comparingLong(Entry::begin));
        long expected = dataStart;
        for (Entry e : list) {
            if (e.begin() != expected) {
                throw new LumenException(path, "tensor " + e.name() + " starts at byte " + (e.begin() - dataStart)
                        + " of the data but the previous one ends at " + (expected - dataStart)
                        + (e.begin() < expected ? " (overlap)" : " (hole)"));
            }
            expected = e.end();
        }
        if (expected != size) {
            throw new LumenException(path, "safetensors data ends at byte " + expected + " but the file has " + size
                    + " bytes" + (expected > size ? " (truncated file)" : " (trailing bytes)"));
        }
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (Entry e : list) {
            byName.put(e.name(), e);
        }
        return new SafeTensors(path, ch, Collections.unmodifiableMap(byName), Collections.unmodifiableMap(metadata));
    }

    private static Entry entry(Path path, String name, JsonNode node, long dataStart) {
        String where = "tensor " + name + ": ";
        DType dtype;
        try {
            dtype = DType.valueOf(node.path("dtype").asText());
        } catch (IllegalArgumentException e) {
            throw new LumenException(path, where + "unsupported dtype '" + node.path("dtype").asText() + "'");
        }
        JsonNode shapeNode = node.path("shape");
        JsonNode offsets = node.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new LumenException(path, where + "needs a shape array and two data_offsets");
        }
        long[] shape = new long[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || d.asLong() < 0 || !d.isIntegralNumber()) {
                throw new LumenException(path, where + "bad dimension " + d);
            }
            shape[i] = d.asLong();
            numel = Math.multiplyExact(numel, shape[i]);
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin) {
            throw new LumenException(path, where + "bad data_offsets " + offsets);
        }
        if (end - begin != numel * dtype.bytes) {
            throw new LumenException(path, where + "data_offsets span " + (end - begin) + " bytes but shape "
                    + java.util.Arrays.toString(shape) + " of " + dtype + " needs " + numel * dtype.bytes);
        }
        return new Entry(name, dtype, shape, dataStart + begin, dataStart + end);
    }

    public Path path() {
        return path;
    }

    /** Tensors by name, in file order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** Reads one tensor's raw little-endian bytes into a new direct buffer. */
    public ByteBuffer read(Entry e) {
        long len = e.end() - e.begin();
        if (len > Integer.MAX_VALUE) {
            throw new LumenException(path, "tensor " + e.name() + " is larger than 2 GiB");
        }
        ByteBuffer buf = ByteBuffer.allocateDirect((int) len).order(ByteOrder.LITTLE_ENDIAN);
        try {
            readFully(channel, buf, e.begin());
        } catch (IOException ex) {
            throw new LumenException(path, "cannot read tensor " + e.name() + ": " + ex.getMessage(), ex);
        }
        return buf.flip();
    }

    /** Reads a floating-point tensor as float32 values, widening F16/BF16 and narrowing F64. */
    public float[] readFloats(Entry e) {
        ByteBuffer b = read(e);
        float[] out = new float[Math.toIntExact(e.numel())];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (e.dtype()) {
                case F32 -> b.getFloat();
                case F64 -> (float) b.getDouble();
                case F16 -> halfToFloat(b.getShort());
                case BF16 -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
                default -> throw new LumenException(path, "tensor " + e.name() + " is " + e.dtype() + ", not floating point");
            };
        }
        return out;
    }

    /** IEEE 754 binary16 to float32 (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f; // subnormal: mant * 2^-24
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new IOException("unexpected end of file at byte " + pos);
            }
            pos += r;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing was written; a failed close of a read-only channel loses nothing
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }
}
