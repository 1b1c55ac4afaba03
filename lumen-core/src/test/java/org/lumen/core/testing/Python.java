package org.lumen.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs reference code in Debian's Python ({@code /usr/bin/python3} with python3-torch, python3-torchvision,
 * python3-sklearn, python3-skimage from apt; {@code .ci/run} installs them).
 *
 * <p>Parity tests are part of the build: a missing reference fails the test, unless the build was started
 * with {@code -DskipParity=true}, in which case the test is skipped and says why.
 */
public final class Python {
    public static final String EXECUTABLE = System.getProperty("lumen.python", "/usr/bin/python3");

    private Python() {}

    /** Skips the calling test when parity tests were switched off with {@code -DskipParity=true}. */
    public static void requireParity() {
        Assumptions.assumeFalse(Boolean.getBoolean("lumen.skipParity"), "parity tests skipped (-DskipParity=true)");
    }

    /**
     * Runs {@code script} with {@code args} and returns its standard output. The script is written to a file
     * in {@code workDir} so a failing reference can be rerun by hand. Fails the test on a non-zero exit,
     * printing the script's stderr.
     */
    public static String run(Path dir, String script, String... args) {
        requireParity();
        Path workDir = dir.toAbsolutePath();
        try {
            Files.createDirectories(workDir);
            Path file = workDir.resolve("reference.py");
            Files.writeString(file, script, StandardCharsets.UTF_8);
            List<String> cmd = new ArrayList<>();
            cmd.add(EXECUTABLE);
            cmd.add(file.toString());
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
            pb.environment().put("OMP_NUM_THREADS", "2");
            pb.redirectError(workDir.resolve("stderr.txt").toFile());
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                fail("reference script timed out: " + file);
            }
            if (p.exitValue() != 0) {
                fail("reference script failed (" + EXECUTABLE + " " + file + "; is python3-torch installed? .ci/run installs it):\n"
                        + Files.readString(workDir.resolve("stderr.txt")));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return fail("cannot run " + EXECUTABLE + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted", e);
        }
    }
}
