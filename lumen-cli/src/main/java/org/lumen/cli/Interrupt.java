package org.lumen.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lumen.nn.train.Checkpoints;
import org.lumen.nn.train.TrainingStop;

/**
 * What {@code lumen train} does when interrupted (Ctrl-C: SIGINT, or SIGTERM): a JVM shutdown hook asks the epoch
 * loop to stop at its next safe point ({@link TrainingStop}), waits until it has (so a checkpoint being written is
 * finished, never left half-written), and prints on stderr which epoch {@code RUN/last} holds and the command that
 * continues the run, or that there is nothing to resume. The JVM then exits with 130 (128 + SIGINT; 143 for SIGTERM).
 */
final class Interrupt implements AutoCloseable {
    /** The exit code of an interrupted run, as a shell gives for SIGINT. */
    static final int EXIT = 130;
    /** How long the hook waits for a safe point: a batch, or an epoch's validation and checkpoint. */
    private static final long WAIT_MILLIS = 30 * 60 * 1000L;

    private final Path run;
    private final boolean folds;
    private final List<String> args;
    private final Thread hook;

    Interrupt(Path run, boolean folds, List<String> args) {
        this.run = run;
        this.folds = folds;
        this.args = List.copyOf(args);
        this.hook = new Thread(this::stop, "lumen-train-interrupt");
        TrainingStop.clear();
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private void stop() {
        TrainingStop.request();
        System.err.println();
        System.err.println("interrupted: stopping at the end of the current batch (a checkpoint being written is finished first)");
        System.err.flush();
        try {
            if (!TrainingStop.awaitStopped(WAIT_MILLIS)) {
                System.err.println("interrupted: training did not reach a safe point in " + WAIT_MILLIS / 60_000
                        + " minutes; " + run.resolve("last") + " may hold an earlier epoch");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.err.println(advice());
        System.err.flush();
    }

    /** The line that tells the user what the interrupted run left. */
    String advice() {
        if (folds) {
            return "interrupted: cross-validation (--folds) cannot be resumed; run it again with a new --out";
        }
        Path state = run.resolve("last").resolve(Checkpoints.STATE);
        int epoch;
        try {
            epoch = Files.isRegularFile(state) ? new ObjectMapper().readTree(state.toFile()).path("epoch").asInt() : 0;
        } catch (IOException e) {
            epoch = 0;
        }
        if (epoch == 0) {
            return "interrupted before the first epoch finished: " + run + " holds no checkpoint to resume; run the"
                    + " command again (with a new or empty --out)";
        }
        List<String> resume = new ArrayList<>(List.of("lumen"));
        resume.addAll(args);
        if (!args.contains("--resume")) {
            resume.add("--resume");
        }
        return "interrupted: " + run.resolve("last") + " holds epoch " + epoch + " (the epoch in progress is dropped"
                + " and runs again); to continue: " + String.join(" ", resume.stream().map(Interrupt::quote).toList());
    }

    /** {@code arg} as a POSIX shell reads it back. */
    static String quote(String arg) {
        return arg.matches("[A-Za-z0-9_./:=@%+,-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }

    /** The run ended (finished or failed) without an interrupt: the hook is removed. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is running and reports
        }
    }
}
