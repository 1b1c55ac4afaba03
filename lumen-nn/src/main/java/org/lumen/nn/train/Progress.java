package org.lumen.nn.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Training progress on stderr. On a terminal, a bar per epoch redrawn in place (at most 5 times a second) with the
 * running loss, the learning rate, images per second and the time left in the epoch; elsewhere (a pipe, a CI log, a
 * file) a line within the epoch every {@link #intervalSeconds()} seconds ({@code epoch 2/10: 480/1600 images (30%),
 * 41.2 images/s, loss 0.5512, lr 9.50e-04, ETA 0:27}), then one line per finished epoch.
 *
 * <p>"A terminal" is stderr's own: the {@code lumen} launcher pipes stdout (so {@code System.console()} is null
 * there) but leaves stderr as the user's. The system property {@code lumen.progress.tty} ({@code true} or
 * {@code false}) overrides what is detected; {@code lumen.progress.seconds} sets the interval (default 30; 0: after
 * every batch).
 */
public class Progress {
    private final PrintStream out;
    private final boolean interactive;
    private long epochStart;
    private int epoch;
    private int epochs;
    private int batches;
    private long lastDraw;
    private final long intervalNanos;

    public Progress(PrintStream out, boolean interactive) {
        this(out, interactive, intervalSeconds());
    }

    /** Progress to {@code out}; when not {@code interactive}, a line within an epoch every {@code seconds} seconds. */
    public Progress(PrintStream out, boolean interactive, double seconds) {
        this.out = out;
        this.interactive = interactive;
        this.intervalNanos = (long) (Math.max(0, seconds) * 1e9);
    }

    /** Progress to stderr, animated when stderr is a terminal. */
    public static Progress console() {
        return new Progress(System.err, stderrIsTerminal());
    }

    /** The interval of in-epoch lines off a terminal: {@code lumen.progress.seconds}, default 30. */
    public static double intervalSeconds() {
        try {
            double s = Double.parseDouble(System.getProperty("lumen.progress.seconds", "30"));
            return s >= 0 ? s : 30;
        } catch (NumberFormatException e) {
            return 30;
        }
    }

    /** Whether stderr is a terminal: {@code lumen.progress.tty} if set, else where Linux says fd 2 points. */
    static boolean stderrIsTerminal() {
        String forced = System.getProperty("lumen.progress.tty");
        if (forced != null) {
            return Boolean.parseBoolean(forced);
        }
        try {
            String target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    /** No output at all (tests, library use). */
    public static Progress silent() {
        return new Progress(null, false) {
            @Override
            void print(String s) {}
        };
    }

    void print(String s) {
        out.print(s);
        out.flush();
    }

    public void startEpoch(int epoch, int epochs, int batches) {
        this.epoch = epoch;
        this.epochs = epochs;
        this.batches = batches;
        this.epochStart = System.nanoTime();
        this.lastDraw = 0;
    }

    /** After batch {@code done} of the epoch, without an image count (no images/s shown). */
    public void batch(int done, double loss, double lr) {
        batch(done, 0, 0, loss, lr);
    }

    /**
     * After batch {@code done} of the epoch, {@code images} of its {@code total} images done (0 and 0 when unknown),
     * with the running mean loss and the learning rate.
     */
    public void batch(int done, int images, int total, double loss, double lr) {
        long now = System.nanoTime();
        double elapsed = (now - epochStart) / 1e9;
        double eta = elapsed / done * (batches - done);
        String rate = images > 0 && elapsed > 0 ? String.format(Locale.ROOT, "%.1f images/s", images / elapsed) : null;
        if (!interactive) {
            if (done < batches && now - (lastDraw == 0 ? epochStart : lastDraw) >= intervalNanos) {
                lastDraw = now;
                // "epoch E/N:" (with a colon) so that the per-epoch line stays the only "epoch E/N " line
                print(String.format(Locale.ROOT, "epoch %d/%d: %s (%d%%), %sloss %.4f, lr %.2e, ETA %s%n", epoch, epochs,
                        total > 0 ? images + "/" + total + " images" : done + "/" + batches + " batches",
                        100L * done / batches, rate == null ? "" : rate + ", ", loss, lr, clock(eta)));
            }
            return;
        }
        if (now - lastDraw < 200_000_000L && done < batches) {
            return;
        }
        lastDraw = now;
        int width = 24;
        int filled = (int) ((long) width * done / batches);
        print(String.format(Locale.ROOT, "\repoch %d/%d [%s%s] %d/%d %sloss %.4f lr %.2e ETA %s ", epoch, epochs,
                "=".repeat(filled), " ".repeat(width - filled), done, batches, rate == null ? "" : rate + " ", loss, lr,
                clock(eta)));
    }

    public void endEpoch(int epoch, Map<String, Double> row, boolean best) {
        StringBuilder sb = new StringBuilder(interactive ? "\r" : "");
        sb.append(String.format(Locale.ROOT, "epoch %d/%d %s", epoch, epochs, clock((System.nanoTime() - epochStart) / 1e9)));
        row.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.4g", k, v)));
        if (best) {
            sb.append(" *");
        }
        print(sb.append(interactive ? "\033[K\n" : "\n").toString());
    }

    public void message(String line) {
        print(line + "\n");
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
