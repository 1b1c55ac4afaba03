package org.lumen.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.lumen.core.LumenException;
import org.lumen.core.io.AtomicFiles;

/**
 * How {@code lumen explain} writes its folder: every file first into a hidden folder beside {@code --out}; only when
 * the run has finished does it move into place (the whole folder in one rename if {@code --out} is new, else file
 * by file, each atomically), so a failure leaves no half-written output. Files are named by their image's stem.
 */
final class StagedOutput {
    private StagedOutput() {}

    /** Writes files into the staging folder. */
    interface Work {
        void run(Path stage) throws IOException;
    }

    /**
     * Runs {@code work} on a new hidden folder beside {@code out}, publishes what it wrote into {@code out}, removes
     * the hidden folder whatever happened, and returns the exit code of {@code errors}.
     */
    static Integer run(Path out, FileErrors errors, Work work) throws IOException {
        Path abs = out.toAbsolutePath();
        Path stage = abs.getParent().resolve("." + abs.getFileName() + ".explain-" + Long.toHexString(System.nanoTime()));
        Files.createDirectories(stage);
        try {
            work.run(stage);
            publish(stage, abs);
        } finally {
            AtomicFiles.deleteTree(stage);
        }
        return errors.exitCode();
    }

    /** File names without extension; two images with the same one would overwrite each other's outputs. */
    static List<String> stems(List<Path> files) {
        Map<String, Path> seen = new HashMap<>();
        List<String> stems = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            int dot = name.lastIndexOf('.');
            String stem = dot > 0 ? name.substring(0, dot) : name;
            Path other = seen.put(stem, f);
            if (other != null) {
                throw new LumenException(f, "has the same name stem '" + stem + "' as " + other
                        + "; their outputs would collide (explain them into separate --out folders)");
            }
            stems.add(stem);
        }
        return stems;
    }

    /**
     * Moves the finished files into {@code target}: the folder in one rename if it is new, else file by file; none
     * (every image was bad) leaves {@code target} as it was.
     */
    private static void publish(Path stage, Path target) throws IOException {
        try (Stream<Path> s = Files.list(stage)) {
            if (s.findAny().isEmpty()) {
                return;
            }
        }
        if (!Files.exists(target)) {
            try {
                Files.move(stage, target, StandardCopyOption.ATOMIC_MOVE);
                return;
            } catch (AtomicMoveNotSupportedException e) {
                Files.createDirectories(target);
            }
        }
        try (Stream<Path> s = Files.list(stage)) {
            for (Path f : (Iterable<Path>) s.sorted()::iterator) {
                AtomicFiles.move(f, target.resolve(f.getFileName()));
            }
        }
    }
}
