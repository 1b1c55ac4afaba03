package org.lumen.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs reference code in Debian's Python ({@code /usr/bin/python3} with python3-torch, python3-torchvision,
 * python3-sklearn, python3-skimage from apt; {@code .ci/run} installs them).
 *
 * <p>Parity tests are part of the build: a missing reference fails the test, unless the build was started
 * with {@code -DskipParity=true}, in which case the test is skipped and says why. {@link #requireParity()} is
 * the one switch: every test that needs Python goes through it (directly or through {@link #run}), and
 * {@code .ci/run} fails when a test was skipped without {@code -DskipParity=true}.
 *
 * <p>A script gets {@link #DEFAULT_TIMEOUT}; one that runs longer is killed and the test fails with the tail
 * of its output, so a hung reference cannot hang the build.
 */
public final class Python {
    public static final String EXECUTABLE = System.getProperty("lumen.python", "/usr/bin/python3");
    /** How long one reference script may run before it is killed and the test fails. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
    private static final int TAIL_CHARS = 4000;

    private Python() {}

    /** Whether parity tests were switched off with {@code -DskipParity=true} (read as {@code lumen.skipParity}). */
    public static boolean paritySkipped() {
        return Boolean.getBoolean("lumen.skipParity");
    }

    /** Skips the calling test when parity tests were switched off with {@code -DskipParity=true}. */
    public static void requireParity() {
        Assumptions.assumeFalse(paritySkipped(), "parity tests skipped (-DskipParity=true)");
    }

    /** {@link #run(Path, Duration, String, String...)} with {@link #DEFAULT_TIMEOUT}. */
    public static String run(Path dir, String script, String... args) {
        return run(dir, DEFAULT_TIMEOUT, script, args);
    }

    /**
     * Runs {@code script} with {@code args} and returns its standard output. The script is written to
     * {@code reference.py} in {@code dir}, its output to {@code stdout.txt} and {@code stderr.txt} there, so a
     * failing reference can be rerun by hand. Fails the test on a non-zero exit (with the tail of stderr), and
     * when the script runs past {@code timeout}: it is then killed and the failure shows the tail of its output.
     */
    public static String run(Path dir, Duration timeout, String script, String... args) {
        requireParity();
        Path workDir = dir.toAbsolutePath();
        Path file = workDir.resolve("reference.py");
        Path stdout = workDir.resolve("stdout.txt");
        Path stderr = workDir.resolve("stderr.txt");
        try {
            Files.createDirectories(workDir);
            Files.writeString(file, script, StandardCharsets.UTF_8);
            List<String> cmd = new ArrayList<>();
            cmd.add(EXECUTABLE);
            cmd.add(file.toString());
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
            pb.environment().put("OMP_NUM_THREADS", "2");
            pb.environment().put("PYTHONUNBUFFERED", "1");
            // Files, not pipes: nothing has to drain the output for the timeout below to be enforced.
            pb.redirectOutput(stdout.toFile());
            pb.redirectError(stderr.toFile());
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                fail("reference script ran past " + timeout.toSeconds() + " s and was killed (" + EXECUTABLE + " "
                        + file + "); its output ends:\n" + tail(stdout) + "\n--- stderr ---\n" + tail(stderr));
            }
            if (p.exitValue() != 0) {
                fail("reference script failed (" + EXECUTABLE + " " + file
                        + "; is python3-torch installed? .ci/run installs it):\n" + tail(stderr));
            }
            return Files.readString(stdout, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return fail("cannot run " + EXECUTABLE + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted", e);
        }
    }

    private static String tail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        String s = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        return s.length() <= TAIL_CHARS ? s : "..." + s.substring(s.length() - TAIL_CHARS);
    }
}
