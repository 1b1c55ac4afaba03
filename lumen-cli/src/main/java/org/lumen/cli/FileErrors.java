package org.lumen.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.LumenException;

/**
 * Bad files met by a command that runs over many images ({@code predict}, {@code explain}): each is reported
 * on stderr as one {@code error: <file>: <what is wrong>} line and skipped, the other files are processed as if
 * it were absent, and the command exits 2 at the end. With {@code --strict} the first bad file stops the run:
 * the files before it keep their output, it and the files after it get none.
 *
 * <p>Only a {@link LumenException} that names the file itself counts as the file's fault; any other failure
 * (an option out of range, an internal error) still ends the command as before.
 */
final class FileErrors {
    /** One file's work, which may throw. */
    @FunctionalInterface
    interface Step<T> {
        T run() throws IOException;
    }

    private final boolean strict;
    private int failed;
    private boolean stopped;

    FileErrors(boolean strict) {
        this.strict = strict;
    }

    /**
     * Runs {@code step} for {@code file}; returns its result, or null when the file is at fault (the error line is
     * printed, and with {@code --strict} {@link #stopped()} becomes true). Call only while not {@link #stopped()}.
     */
    <T> T attempt(Path file, Step<T> step) throws IOException {
        try {
            return step.run();
        } catch (LumenException e) {
            if (!e.source().equals(String.valueOf(file))) {
                throw e;
            }
            System.out.flush();
            System.err.println("error: " + Flags.line(e));
            System.err.flush();
            failed++;
            stopped = strict;
            return null;
        }
    }

    /** What is done with one batch of loaded files: their indices in the file list and what was loaded. */
    @FunctionalInterface
    interface Batch<T> {
        void run(List<Integer> indices, List<T> loaded) throws IOException;
    }

    /** How one file is loaded. */
    @FunctionalInterface
    interface Load<T> {
        T load(Path file) throws IOException;
    }

    /**
     * Loads {@code files} in order and hands them to {@code work} {@code batch} at a time. A bad file is reported
     * ({@link #attempt}) and left out of its batch, so the good files go through the same batches as without it;
     * after a {@code --strict} stop, what was loaded before the bad file still runs.
     */
    <T> void inBatches(List<Path> files, int batch, Load<T> load, Batch<T> work) throws IOException {
        List<Integer> indices = new ArrayList<>();
        List<T> loaded = new ArrayList<>();
        for (int i = 0; i < files.size() && !stopped; i++) {
            Path file = files.get(i);
            T item = attempt(file, () -> load.load(file));
            if (item != null) {
                indices.add(i);
                loaded.add(item);
            }
            if (!indices.isEmpty() && (indices.size() == batch || stopped || i == files.size() - 1)) {
                work.run(List.copyOf(indices), List.copyOf(loaded));
                indices.clear();
                loaded.clear();
            }
        }
    }

    /** Whether {@code --strict} has met a bad file, so that no later file may be processed. */
    boolean stopped() {
        return stopped;
    }

    /** How many files were at fault so far. */
    int failed() {
        return failed;
    }

    /** The command's exit code: 2 if any file was at fault, else 0. */
    int exitCode() {
        return failed > 0 ? Main.BAD_INPUT : Main.OK;
    }
}
