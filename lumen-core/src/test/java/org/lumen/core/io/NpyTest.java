package org.lumen.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.LumenException;
import org.lumen.core.testing.Python;

class NpyTest {
    @TempDir
    Path dir;

    /** Value i of the test arrays, computed the same way in Python: float32(i * 0.37 - 3). */
    private static float[] ramp(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (i * 0.37 - 3);
        }
        return a;
    }

    /** np.load reads what Java wrote, and np.save of the same array writes the very same bytes. */
    @Test
    void javaWritesWhatNumpyWrites() throws IOException {
        int[][] shapes = {{2, 3}, {5}, {}, {0, 4}, {3, 4, 5}, {1, 1, 224, 224}, {123456789, 0}};
        List<String> names = new ArrayList<>();
        for (int[] shape : shapes) {
            String name = "s" + Arrays.stream(shape).mapToObj(d -> "_" + d).reduce("", String::concat) + ".npy";
            Npy.write(dir.resolve(name), ramp(Arrays.stream(shape).reduce(1, (a, b) -> a * b)), shape);
            names.add(name);
        }
        String out = Python.run(dir, String.join("\n",
                "import sys, numpy as np",
                "for name in sys.argv[1:]:",
                "    shape = tuple(int(d) for d in name[:-4].split('_')[1:])",
                "    want = (np.arange(int(np.prod(shape))) * 0.37 - 3).astype(np.float32).reshape(shape)",
                "    got = np.load(name)",
                "    assert got.dtype == np.float32 and got.shape == shape and np.array_equal(got, want), name",
                "    np.save('reference.npy', want)",
                "    assert open(name, 'rb').read() == open('reference.npy', 'rb').read(), name + ' differs from np.save'",
                "print(len(sys.argv) - 1)"), names.toArray(String[]::new));
        assertEquals(String.valueOf(shapes.length), out.strip());
    }

    @Test
    void readsWhatNumpyWrites() throws IOException {
        Python.run(dir, String.join("\n",
                "import numpy as np",
                "i = np.arange(24).reshape(2, 3, 4)",
                "np.save('f4.npy', (i / 7).astype(np.float32))",
                "np.save('f8.npy', i / 7)",
                "np.save('i8.npy', i * 10**12 - 5 * 10**12)",
                "np.save('i4.npy', (-1000 * i).astype(np.int32))",
                "np.save('u1.npy', (i * 11 % 256).astype(np.uint8))",
                "with open('v2.npy', 'wb') as f: np.lib.format.write_array(f, (i / 7).astype(np.float32), version=(2, 0))",
                "np.save('fortran.npy', np.asfortranarray(i / 7))",
                "np.save('big.npy', (i / 7).astype('>f4'))",
                "np.save('bool.npy', i > 3)"));
        int[] shape = {2, 3, 4};
        float[] f4 = new float[24];
        double[] f8 = new double[24];
        long[] i8 = new long[24];
        long[] i4 = new long[24];
        long[] u1 = new long[24];
        for (int i = 0; i < 24; i++) {
            f4[i] = (float) (i / 7.0);
            f8[i] = i / 7.0;
            i8[i] = i * 1_000_000_000_000L - 5_000_000_000_000L;
            i4[i] = -1000L * i;
            u1[i] = i * 11 % 256;
        }
        assertArrayEquals(f4, read("f4.npy", "<f4", shape).floats());
        assertArrayEquals(f4, read("v2.npy", "<f4", shape).floats());
        assertArrayEquals(f8, read("f8.npy", "<f8", shape).doubles());
        assertArrayEquals(i8, read("i8.npy", "<i8", shape).longs());
        assertArrayEquals(i4, read("i4.npy", "<i4", shape).longs());
        assertArrayEquals(u1, read("u1.npy", "|u1", shape).longs());
        assertArrayEquals(Arrays.stream(u1).asDoubleStream().toArray(), read("u1.npy", "|u1", shape).doubles());

        assertRefused("fortran.npy", "Fortran-order");
        assertRefused("big.npy", "big-endian dtype '>f4'");
        assertRefused("bool.npy", "unsupported dtype '|b1'");
    }

    private Npy.Array read(String name, String descr, int[] shape) throws IOException {
        Npy.Array a = Npy.read(dir.resolve(name));
        assertEquals(descr, a.descr());
        assertArrayEquals(shape, a.shape());
        return a;
    }

    @Test
    void refusesDamagedFiles() throws IOException {
        Npy.write(dir.resolve("good.npy"), ramp(6), 2, 3);
        byte[] good = Files.readAllBytes(dir.resolve("good.npy"));
        assertEquals(0, (good.length - 24) % 64, "data starts at a multiple of 64 bytes");

        byte[] badMagic = good.clone();
        badMagic[1] = 'X';
        assertRefused(badMagic, "bad magic");
        assertRefused(Arrays.copyOf(good, 3), "shorter than the .npy magic");
        assertRefused(Arrays.copyOf(good, 20), "truncated .npy header");
        assertRefused(Arrays.copyOf(good, good.length - 3), "data truncated: shape [2, 3] of <f4 needs 24 bytes, the file holds 21");
        assertRefused(Arrays.copyOf(good, good.length + 5), "5 unexpected bytes after the array data");
        byte[] version9 = good.clone();
        version9[6] = 9;
        assertRefused(version9, "unsupported .npy format version 9.0");
        assertRefused(editHeader(good, "'shape': (2, 3)", "'shape': (2, -3)"), "shape entries must be non-negative");
        assertRefused(editHeader(good, "'fortran_order': False", "'fortran_order': Maybe"), "unsupported value");
        assertRefused(editHeader(good, "'descr'", "'dtype'"), "need exactly 'descr'");
        assertRefused(editHeader(good, "{", "["), "expected '{'");
        assertRefused(editHeader(good, "'shape': (2, 3)", "'shape': (99999, 99999)"), "more elements than a Java array holds");
    }

    @Test
    void refusesShapeThatDoesNotFitTheData() {
        assertThrows(IllegalArgumentException.class, () -> Npy.write(dir.resolve("x.npy"), new float[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> Npy.write(dir.resolve("x.npy"), new float[0], -1));
    }

    /** Replaces text in the header, keeping its length so the header stays well framed. */
    private static byte[] editHeader(byte[] file, String from, String to) {
        String text = new String(file, StandardCharsets.ISO_8859_1);
        int at = text.indexOf(from);
        String edited = text.substring(0, at) + to + text.substring(at + from.length());
        int spaces = edited.lastIndexOf('\n');
        edited = to.length() > from.length()
                ? edited.substring(0, spaces - (to.length() - from.length())) + edited.substring(spaces)
                : edited.substring(0, spaces) + " ".repeat(from.length() - to.length()) + edited.substring(spaces);
        return edited.getBytes(StandardCharsets.ISO_8859_1);
    }

    private void assertRefused(byte[] content, String message) throws IOException {
        Files.write(dir.resolve("bad.npy"), content);
        assertRefused("bad.npy", message);
    }

    private void assertRefused(String name, String message) {
        LumenException e = assertThrows(LumenException.class, () -> Npy.read(dir.resolve(name)));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertEquals(dir.resolve(name).toString(), e.source());
    }
}
