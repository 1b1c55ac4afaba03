package org.lumen.core;

import java.nio.file.Path;

/**
 * Bad input from the user: a corrupt file, a malformed annotation, an out-of-range option.
 *
 * <p>The command line turns it into exactly one line on stderr, {@code error: <source>: <what is wrong>},
 * and exit code 2. Anything else thrown is an internal failure (exit code 1). The message must name the
 * fault in words a user can act on; {@link #source()} names the file (or setting) it concerns.
 *
 * <p>A fault in a setting rather than a file is made with {@link #setting(String, String)}, naming the setting
 * as the Java API does ({@code imgsz}, {@code maxDet}, {@code tileOverlap}), never as a command-line flag: the
 * library knows no command line. A front end renders the name its own way ({@link #line(java.util.function.Function)};
 * the CLI turns {@code maxDet} into {@code --max-det}).
 */
public class LumenException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String source;
    private final boolean setting;

    public LumenException(String source, String message) {
        this(source, message, false, null);
    }

    private LumenException(String source, String message, boolean setting, Throwable cause) {
        super(message, cause);
        this.source = source;
        this.setting = setting;
    }

    /** A bad value of the setting {@code name} (its Java name, e.g. {@code maxDet}). */
    public static LumenException setting(String name, String message) {
        return new LumenException(name, message, true, null);
    }

    /** As {@link #setting(String, String)}, with the cause. */
    public static LumenException setting(String name, String message, Throwable cause) {
        return new LumenException(name, message, true, cause);
    }

    public LumenException(String source, String message, Throwable cause) {
        this(source, message, false, cause);
    }

    public LumenException(Path file, String message) {
        this(String.valueOf(file), message);
    }

    public LumenException(Path file, String message, Throwable cause) {
        this(String.valueOf(file), message, cause);
    }

    /** The file, folder or setting the fault is in; never null. */
    public String source() {
        return source == null ? "<unknown>" : source;
    }

    /** Whether {@link #source()} is a setting's name (see {@link #setting(String, String)}) rather than a file. */
    public boolean isSetting() {
        return setting;
    }

    /** {@code <source>: <message>}. */
    public String line() {
        return source() + ": " + getMessage();
    }

    /** {@code <source>: <message>}, a setting's name rendered by {@code settingName} (a front end's spelling). */
    public String line(java.util.function.Function<String, String> settingName) {
        return (setting ? settingName.apply(source()) : source()) + ": " + getMessage();
    }
}
