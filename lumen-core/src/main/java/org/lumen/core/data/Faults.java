package org.lumen.core.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.LumenException;

/**
 * Collects every fault found in a file so the user can fix them all in one go, instead of meeting them
 * one run at a time. Shared by the readers of annotation and results files.
 */
public final class Faults {
    /** More than this many are counted but not listed: a wholly wrong file would otherwise flood the terminal. */
    static final int LISTED = 100;

    private final String source;
    private final List<String> faults = new ArrayList<>();

    public Faults(Path file) {
        this(String.valueOf(file));
    }

    /** Faults in something that is not a file, e.g. an in-memory dataset ({@code "ground truth"}). */
    public Faults(String source) {
        this.source = source;
    }

    /** Records a fault at {@code location} (e.g. {@code annotations[17] (id 42)} or {@code labels/a.txt:3}). */
    public void add(String location, String message) {
        faults.add(location + ": " + message);
    }

    public boolean isEmpty() {
        return faults.isEmpty();
    }

    /**
     * Throws one {@link LumenException} on the file (or source) whose message is the count on the first line and
     * then one fault per line; does nothing when there are none.
     */
    public void throwIfAny() {
        if (faults.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder()
                .append(faults.size()).append(faults.size() == 1 ? " fault" : " faults");
        for (String fault : faults.subList(0, Math.min(LISTED, faults.size()))) {
            message.append("\n  ").append(fault);
        }
        if (faults.size() > LISTED) {
            message.append("\n  ... and ").append(faults.size() - LISTED).append(" more");
        }
        throw new LumenException(source, message.toString());
    }
}
