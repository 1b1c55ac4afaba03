package org.lumen.core;

import java.nio.file.Path;

/**
 * Bad input from the user: a corrupt file, a malformed annotation, an out-of-range option.
 *
 * <p>The command line turns it into exactly one line on stderr, {@code error: <source>: <what is wrong>},
 * and exit code 2. Anything else thrown is an internal failure (exit code 1). The message must name the
 * fault in words a user can act on; {@link #source()} names the file (or option) it concerns.
 */
public class LumenException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String source;

    public LumenException(String source, String message) {
        super(message);
        this.source = source;
    }

    public LumenException(String source, String message, Throwable cause) {
        super(message, cause);
        this.source = source;
    }

    public LumenException(Path file, String message) {
        this(String.valueOf(file), message);
    }

    public LumenException(Path file, String message, Throwable cause) {
        this(String.valueOf(file), message, cause);
    }

    /** The file, folder or option the fault is in; never null. */
    public String source() {
        return source == null ? "<unknown>" : source;
    }

    /** The one line the command line prints: {@code <source>: <message>}. */
    public String line() {
        return source() + ": " + getMessage();
    }
}
