package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Runs {@link Main#run} in this JVM with System.out and System.err captured (commands print to them, and
 * picocli's error writer is created from System.err on each run).
 */
final class Cli {
    /** A finished command: exit code, stdout and stderr. */
    record Result(int exit, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }

        List<String> outLines() {
            return out.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {}

    static Result run(Object... args) {
        return runCrashingAfter(null, args);
    }

    /**
     * Runs the command; {@code crashOn}, if given, makes the first stderr write that completes that text throw,
     * as if the process were killed right after printing it.
     */
    static synchronized Result runCrashingAfter(String crashOn, Object... args) {
        String[] argv = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CrashingStream err = new CrashingStream(crashOn);
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.run(argv);
            System.out.flush();
            System.err.flush();
            return new Result(exit, out.toString(StandardCharsets.UTF_8), err.buffer.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Thrown by {@link #runCrashingAfter} to simulate a crash. */
    static final class SimulatedCrash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(String after) {
            super("simulated crash after '" + after + "'");
        }
    }

    private static final class CrashingStream extends OutputStream {
        final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private String crashOn;

        CrashingStream(String crashOn) {
            this.crashOn = crashOn;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            buffer.write(b, off, len);
            if (crashOn != null && buffer.toString(StandardCharsets.UTF_8).contains(crashOn)) {
                String after = crashOn;
                crashOn = null;
                throw new SimulatedCrash(after);
            }
        }
    }

    /**
     * Asserts the contract for bad input: exit 2, exactly one stderr line starting {@code error: }, which names
     * {@code source} and contains every fragment, no stack trace anywhere, and nothing on stdout.
     */
    static String assertBadInput(Result r, String source, String... fragments) {
        assertEquals(Main.BAD_INPUT, r.exit(), r::toString);
        List<String> errors = r.errLines().stream().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), r::toString);
        String line = errors.get(0);
        assertTrue(line.startsWith("error: " + source + ": "), () -> "names " + source + ": " + line);
        for (String f : fragments) {
            assertTrue(line.contains(f), () -> "contains '" + f + "': " + line);
        }
        for (String text : List.of(r.out(), r.err())) {
            assertFalse(text.contains("Exception"), r::toString);
            assertFalse(text.contains("\tat "), r::toString);
        }
        assertEquals("", r.out(), r::toString);
        return line;
    }

    /** Every file under {@code dir} with the SHA-256 of its bytes, to check a folder is left exactly as it was. */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(p).toString(), sha256(p));
            }
        }
        return files;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
