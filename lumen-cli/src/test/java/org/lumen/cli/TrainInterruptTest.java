package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.train.NativeThreads;

/**
 * {@code lumen train} interrupted as Ctrl-C does (SIGINT to the JVM, through the launcher): it stops at a safe point,
 * leaves a whole, loadable {@code RUN/last} and a {@code results.csv} of exactly the epochs it holds, prints the
 * command that resumes, exits 130; that command then finishes the run. Also: the in-epoch progress line off a
 * terminal, and {@code --threads}.
 */
class TrainInterruptTest {
    @TempDir
    Path dir;

    @Test
    void sigintLeavesALoadableLastAndTheResumeLineAndExits130() throws Exception {
        Cli.Result synth = Cli.run("synth", "galaxies", "--out", dir.resolve("survey"), "--count", 40, "--size", 32);
        assertEquals(0, synth.exit(), synth::toString);
        Path data = dir.resolve("survey/classify");
        Path run = dir.resolve("run");
        List<String> cmd = List.of("bash", launcher().toString(), "train", "--data", data.toString(),
                "--arch", "resnet18", "--imgsz", "32", "--epochs", "6", "--batch", "4", "--threads", "1", "--out", run.toString());
        ProcessBuilder pb = new ProcessBuilder(withDefaultSigint(cmd)).directory(dir.toFile());
        pb.environment().put("LUMEN_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("LUMEN_JAVA_OPTS", "-Dlumen.progress.seconds=0");
        pb.redirectOutput(dir.resolve("stdout.txt").toFile());
        Process p = pb.start();
        List<String> err = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                err.add(line);
                if (line.startsWith("epoch 1/6 ")) { // epoch 1 checkpointed: now interrupt it within a later epoch
                    ProcessHandle jvm = p.descendants()
                            .filter(h -> h.info().commandLine().orElse("").contains("org.lumen.cli.Main")).findFirst().orElseThrow();
                    new ProcessBuilder("kill", "-INT", Long.toString(jvm.pid())).start().waitFor();
                }
            }
        }
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the launcher did not end");
        String log = String.join("\n", err);
        assertEquals(Interrupt.EXIT, p.exitValue(), log);
        // the progress line within the epoch, off a terminal
        assertTrue(err.stream().anyMatch(l -> l.matches("epoch 1/6: \\d+/28 images \\(\\d+%\\), [0-9.]+ images/s, loss [0-9.]+, lr .*, ETA \\d+:\\d\\d")), log);
        assertTrue(err.stream().noneMatch(l -> l.startsWith("error")), log);

        int epoch = new ObjectMapper().readTree(run.resolve("last/train_state.json").toFile()).get("epoch").asInt();
        assertTrue(epoch >= 1 && epoch < 6, log);
        List<String> rows = Files.readAllLines(run.resolve("results.csv"));
        assertEquals(IntStream.rangeClosed(1, epoch).mapToObj(String::valueOf).toList(),
                rows.subList(1, rows.size()).stream().map(l -> l.substring(0, l.indexOf(','))).toList(), log);
        try (Classifier last = Classifier.load(run.resolve("last"))) {
            assertEquals(List.of("clumpy", "smooth"), last.classNames());
        }
        String resume = err.get(err.size() - 1);
        String expected = "interrupted: " + run.resolve("last") + " holds epoch " + epoch + " (the epoch in progress is dropped"
                + " and runs again); to continue: lumen " + String.join(" ", cmd.subList(2, cmd.size())) + " --resume";
        assertEquals(expected, resume, log);

        // the printed command continues the run to its end
        List<Object> again = new ArrayList<>(cmd.subList(2, cmd.size()));
        again.add("--resume");
        Cli.Result resumed = Cli.run(again.toArray());
        assertEquals(0, resumed.exit(), resumed::toString);
        rows = Files.readAllLines(run.resolve("results.csv"));
        assertEquals(List.of("1", "2", "3", "4", "5", "6"),
                rows.subList(1, rows.size()).stream().map(l -> l.substring(0, l.indexOf(','))).toList());
    }

    @Test
    void threadsSetsLibtorchsIntraOpThreadsAndBadValuesAreRefused() {
        int before = NativeThreads.get();
        try {
            NativeThreads.set(1);
            assertEquals(1, NativeThreads.get());
            NativeThreads.set(2);
            assertEquals(2, NativeThreads.get());
        } finally {
            NativeThreads.set(before);
        }
        for (String bad : List.of("0", "-3", "5000")) {
            Cli.Result r = Cli.run("train", "--data", dir, "--arch", "resnet18", "--threads", bad, "--out", dir.resolve("r"));
            assertEquals(Main.BAD_INPUT, r.exit(), r::toString);
            assertEquals(List.of("error: --threads: must be between 1 and 1024, got " + bad), r.errLines(), r::toString);
        }
        Cli.Result r = Cli.run("train", "--data", dir, "--arch", "resnet18", "--threads", "many", "--out", dir.resolve("r"));
        assertEquals(Main.BAD_INPUT, r.exit(), r::toString);
        assertTrue(r.err().startsWith("error: --threads: "), r::toString);
        assertEquals(before, NativeThreads.get());
    }

    /**
     * {@code cmd}, run so that SIGINT has its default action: a JVM started with SIGINT ignored (as everything started
     * in the background by a non-interactive shell is, e.g. a build run with {@code &}) ignores it too, as it should;
     * Python resets it before it execs the command.
     */
    private static List<String> withDefaultSigint(List<String> cmd) throws java.io.IOException {
        boolean ignored = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("SigIgn:"))
                .anyMatch(l -> (Long.parseLong(l.substring(7).strip(), 16) & (1L << 1)) != 0); // bit 1: SIGINT (2)
        if (!ignored) {
            return cmd;
        }
        List<String> wrapped = new ArrayList<>(List.of(org.lumen.core.testing.Python.EXECUTABLE, "-c",
                "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])"));
        wrapped.addAll(cmd);
        return wrapped;
    }

    /** The launcher, found as {@link LauncherCrashTest} finds it (tests run in lumen-cli/ or the root). */
    private static Path launcher() {
        Path here = Path.of("").toAbsolutePath();
        Path script = here.resolve("lumen");
        return Files.isRegularFile(script) ? script : here.getParent().resolve("lumen");
    }
}
