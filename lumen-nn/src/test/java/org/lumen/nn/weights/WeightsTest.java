package org.lumen.nn.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.LumenException;
import org.lumen.nn.models.backbone.Backbone;
import org.lumen.nn.models.backbone.Backbones;

/** Strict loading, transfer loading, and the safetensors checks that guard against malformed files. */
class WeightsTest {
    @TempDir
    Path dir;

    @Test
    void saveThenLoadRestoresEveryTensorExactly() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            Backbone a = Backbones.create("resnet18", 3, 3);
            a.initialize(m, 1);
            Path f = dir.resolve("w.safetensors");
            Weights.save(a, f, Map.of("format", "pt"));
            Backbone b = Backbones.create("resnet18", 3, 3);
            b.initialize(m, 2);
            Weights.load(b, f, m);
            a.stateDict().forEach((name, p) -> assertArrayEquals(p.value().toByteArray(),
                    b.stateDict().get(name).value().toByteArray(), name));
            try (SafeTensors st = SafeTensors.open(f)) {
                assertEquals("pt", st.metadata().get("format"));
                assertEquals(SafeTensors.DType.I64, st.entries().get("bn1.num_batches_tracked").dtype());
            }
        }
    }

    @Test
    void wrongShapesAndNamesAreAllNamed() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            Backbone three = Backbones.create("resnet18", 3, 3);
            three.initialize(m, 1);
            Path f = dir.resolve("three.safetensors");
            Weights.save(three, f, null);
            Backbone two = Backbones.create("resnet18", 2, 3);
            two.initialize(m, 1);
            float[] before = two.stateDict().get("layer1.0.conv1.weight").value().toFloatArray();
            LumenException e = assertThrows(LumenException.class, () -> Weights.load(two, f, m));
            assertTrue(e.getMessage().contains("2 faults"), e.getMessage());
            assertTrue(e.getMessage().contains("fc.weight has shape [3, 512] in the file but [2, 512] in resnet18"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("fc.bias has shape [3]"), e.getMessage());
            assertEquals(f.toString(), e.source());
            // nothing was copied: the whole file must fit before any tensor is
            assertArrayEquals(before, two.stateDict().get("layer1.0.conv1.weight").value().toFloatArray());
            LumenException other = assertThrows(LumenException.class,
                    () -> Weights.load(Backbones.create("resnet34", 3, 3), f, m));
            assertTrue(other.getMessage().contains("missing layer1.2.conv1.weight"), other.getMessage());
        }
    }

    @Test
    void transferReplacesTheHeadAndSumsTheStemForOneChannel() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            Backbone imagenet = Backbones.create("resnet18", 1000, 3);
            imagenet.initialize(m, 1);
            Path f = dir.resolve("imagenet.safetensors");
            Weights.save(imagenet, f, null);
            Backbone xray = Backbones.create("resnet18", 2, 1);
            xray.initialize(m, 2);
            float[] freshHead = xray.stateDict().get("fc.weight").value().toFloatArray();
            Weights.Report r = Weights.transfer(xray, f, m);
            assertEquals(3, r.notes().size(), r.notes().toString());
            assertArrayEquals(freshHead, xray.stateDict().get("fc.weight").value().toFloatArray());
            float[] rgb = imagenet.stateDict().get("conv1.weight").value().toFloatArray();
            float[] grey = xray.stateDict().get("conv1.weight").value().toFloatArray();
            // weight [64, 3, 7, 7] -> [64, 1, 7, 7]: element (o, 0, y, x) = sum over c of (o, c, y, x)
            int o = 5;
            int j = 17;
            float want = rgb[(o * 3) * 49 + j] + rgb[(o * 3 + 1) * 49 + j] + rgb[(o * 3 + 2) * 49 + j];
            assertEquals(want, grey[o * 49 + j], 1e-6f);
            assertArrayEquals(imagenet.stateDict().get("layer4.1.bn2.running_var").value().toFloatArray(),
                    xray.stateDict().get("layer4.1.bn2.running_var").value().toFloatArray());
        }
    }

    @Test
    void malformedFilesAreRefusedWithTheFault() throws IOException {
        assertFault(bytes(8, "{}"), "out of range"); // header length 8 > 2 bytes in the file
        assertFault(new byte[] {1, 2, 3}, "shorter than its header");
        assertFault(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4), "truncated file");
        assertFault(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4), "needs 8");
        assertFault(file("{\"a\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "unsupported dtype 'Q7'");
        assertFault(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}", 6), "overlap");
        assertFault(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "hole");
        assertFault(file("{\"a\":1,\"a\":2}", 0), "not valid JSON");
        assertFault(file("[1,2]", 0), "not a JSON object");
        assertFault(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0), "bad dimension");
        byte[] huge = new byte[16];
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE);
        assertFault(huge, "out of range");
    }

    @Test
    void halfPrecisionIsWidened() {
        assertEquals(1.0f, SafeTensors.halfToFloat((short) 0x3c00));
        assertEquals(-2.0f, SafeTensors.halfToFloat((short) 0xc000));
        assertEquals(65504f, SafeTensors.halfToFloat((short) 0x7bff));
        assertEquals(5.9604645e-8f, SafeTensors.halfToFloat((short) 0x0001)); // smallest subnormal, 2^-24
        assertTrue(Float.isInfinite(SafeTensors.halfToFloat((short) 0x7c00)));
    }

    private void assertFault(byte[] content, String fault) throws IOException {
        Path f = Files.createTempFile(dir, "bad", ".safetensors");
        Files.write(f, content);
        LumenException e = assertThrows(LumenException.class, () -> SafeTensors.open(f).close());
        assertTrue(e.getMessage().contains(fault), "expected '" + fault + "' in: " + e.getMessage());
        assertEquals(f.toString(), e.source());
    }

    /** A file with {@code header} and {@code dataBytes} zero bytes of data. */
    private static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    private static byte[] bytes(long declared, String header) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declared).put(h);
        return b.array();
    }
}
