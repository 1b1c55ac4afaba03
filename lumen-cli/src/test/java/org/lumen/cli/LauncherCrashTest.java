package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code lumen} launcher when the JVM dies of a fatal signal (as libtorch's SIGFPE did on a CPU without cache
 * topology): one {@code error:} line naming the model and the input, exit 1, the JVM's crash banner kept off stdout,
 * and its report in the temp folder, not the user's working directory. The crash is a SIGSEGV sent to the running
 * JVM, which HotSpot handles as it handles one raised in native code.
 */
class LauncherCrashTest {
    @TempDir
    Path dir;

    @Test
    void aNativeCrashBecomesOneErrorLineNamingModelAndInput() throws Exception {
        Path model = TestModels.save(dir.resolve("model"), List.of("a", "b"));
        Path images = Files.createDirectories(dir.resolve("images"));
        for (int i = 0; i < 4; i++) {
            BufferedImage im = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            im.setRGB(i, i, 0xffffff);
            ImageIO.write(im, "png", images.resolve("im" + i + ".png").toFile());
        }
        Path work = Files.createDirectories(dir.resolve("work"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        List<String> cmd = new ArrayList<>(List.of("bash", launcher().toString(), "predict", "--model", model.toString(),
                "--batch", "1", "--json"));
        for (int i = 0; i < 400; i++) {
            cmd.add(images.toString()); // long enough to be killed while running
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
        pb.environment().put("LUMEN_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("TMPDIR", tmp.toString());
        pb.redirectError(dir.resolve("stderr.txt").toFile());
        Process p = pb.start();
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            out.add(r.readLine()); // the first prediction: the JVM is inside the run now
            ProcessHandle jvm = p.descendants().filter(h -> h.info().commandLine().orElse("").contains("org.lumen.cli.Main"))
                    .findFirst().orElseThrow();
            new ProcessBuilder("kill", "-SEGV", Long.toString(jvm.pid())).start().waitFor();
            for (String line; (line = r.readLine()) != null; ) {
                out.add(line);
            }
        }
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the launcher did not end");
        List<String> err = Files.readAllLines(dir.resolve("stderr.txt"));
        assertEquals(1, p.exitValue(), String.join("\n", err));
        assertTrue(out.get(0).startsWith("{\"image\":"), out.get(0));
        assertTrue(out.stream().noneMatch(l -> l.startsWith("#")), "the JVM's crash banner reached stdout: " + out);
        List<String> errors = err.stream().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), String.join("\n", err));
        String line = errors.get(0);
        assertTrue(line.matches("error: " + java.util.regex.Pattern.quote(images.toString()) + "/im[0-3]\\.png: the native engine crashed \\(SIGSEGV.*"),
                line);
        assertTrue(line.contains("while running " + model), line);
        assertTrue(err.stream().noneMatch(l -> l.contains("Aborted") || l.startsWith("#")), String.join("\n", err));
        try (var files = Files.list(work)) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith("hs_err")), "hs_err in the working directory");
        }
        try (var files = Files.list(tmp)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("lumen-hs_err_pid")), "report kept in TMPDIR");
        }
    }

    static Path launcher() {
        Path here = Path.of("").toAbsolutePath();
        Path script = here.resolve("lumen");
        return Files.isRegularFile(script) ? script : here.getParent().resolve("lumen");
    }
}
