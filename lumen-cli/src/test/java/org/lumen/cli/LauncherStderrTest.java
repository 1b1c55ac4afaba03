package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code lumen} launcher's stderr filter: libtorch's {@code NNPACK.cpp} "Could not initialize NNPACK!" warnings
 * (written by its c10 logger straight to the process's stderr, before every convolution on CPUs NNPACK does not
 * know; DJL has no switch for NNPACK or the c10 log level) are dropped, every other byte passes through unchanged,
 * carriage-return progress updates and a last line without a newline included, and the exit code is kept.
 *
 * <p>This machine's CPU does not make libtorch print the warning, so the JVM the launcher starts runs
 * {@link Noise} instead of the CLI (its {@code LUMEN_JAVA_OPTS} name a main class ahead of the launcher's), which
 * writes the warning in libtorch 2.7's exact format among other output.
 */
class LauncherStderrTest {
    static final String WARNING =
            "[W1128 10:00:00.123456789 NNPACK.cpp:57] Could not initialize NNPACK! Reason: Unsupported hardware.\n";

    @TempDir
    Path dir;

    /** Stands in for a JVM running libtorch on a CPU that NNPACK refuses. */
    public static final class Noise {
        public static void main(String[] args) {
            System.err.print(WARNING);
            System.err.print("first line\n");
            System.err.print(WARNING + WARNING);
            System.err.print("\rprogress 1/2\rprogress 2/2\n");
            System.err.print("[W1128 10:00:00.1 Other.cpp:3] another warning stays\n");
            System.err.print("error: a.png: says NNPACK.cpp:57] Could not initialize NNPACK! mid-line, so stays\n");
            System.err.print(WARNING);
            System.err.print("last words, no newline");
            System.out.println("{\"stdout\":\"untouched\"}");
            System.exit(3);
        }
    }

    @Test
    void nnpackWarningsAreDroppedAndEverythingElsePasses() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", LauncherCrashTest.launcher().toString(), "predict");
        pb.environment().put("LUMEN_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("LUMEN_JAVA_OPTS", "-cp " + System.getProperty("java.class.path") + " " + Noise.class.getName());
        pb.redirectError(dir.resolve("stderr.txt").toFile());
        pb.redirectOutput(dir.resolve("stdout.txt").toFile());
        Process p = pb.start();
        p.waitFor(2, TimeUnit.MINUTES);
        assertEquals(3, p.exitValue());
        assertEquals("first line\n\rprogress 1/2\rprogress 2/2\n[W1128 10:00:00.1 Other.cpp:3] another warning stays\n"
                + "error: a.png: says NNPACK.cpp:57] Could not initialize NNPACK! mid-line, so stays\nlast words, no newline",
                Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8));
        assertEquals("{\"stdout\":\"untouched\"}\n", Files.readString(dir.resolve("stdout.txt"), StandardCharsets.UTF_8));
    }
}
