package org.lumen.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void smallAndLargeContentArriveWhole() throws IOException {
        Path small = dir.resolve("small.txt");
        AtomicFiles.writeString(small, "hello");
        assertEquals("hello", Files.readString(small));
        byte[] big = new byte[200_001];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        Path large = dir.resolve("large.bin");
        AtomicFiles.write(large, out -> out.write(big));
        assertTrue(java.util.Arrays.equals(big, Files.readAllBytes(large)));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(small)));
    }

    @Test
    void aFailingWriterLeavesTheOldFileAndNoTemporary() throws IOException {
        Path f = dir.resolve("model.json");
        AtomicFiles.writeString(f, "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("half".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(f));
        try (var s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList());
        }
    }

    @Test
    void folderIsReplacedWholeOrNotAtAll() throws IOException {
        Path target = dir.resolve("best");
        AtomicFiles.writeFolder(target, d -> Files.writeString(d.resolve("a"), "1"));
        AtomicFiles.writeFolder(target, d -> Files.writeString(d.resolve("b"), "2"));
        assertEquals(List.of("b"), names(target));
        assertThrows(IOException.class, () -> AtomicFiles.writeFolder(target, d -> {
            Files.writeString(d.resolve("c"), "3");
            throw new IOException("crash");
        }));
        assertEquals(List.of("b"), names(target));
        assertEquals(List.of("best"), names(dir));
    }

    private static List<String> names(Path d) throws IOException {
        try (var s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
