package org.lumen.nn.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Training progress on stderr: on a terminal, a bar per epoch redrawn in place with the running loss, the
 * learning rate and the time left; elsewhere (CI logs, files), one line per epoch.
 */
public class Progress {
    private final PrintStream out;
    private final boolean interactive;
    private long epochStart;
    private int epoch;
    private int epochs;
    private int batches;
    private long lastDraw;

    public Progress(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    /** Progress to stderr, animated when stderr is a terminal. */
    public static Progress console() {
        return new Progress(System.err, System.console() != null);
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

    public void batch(int done, double loss, double lr) {
        long now = System.nanoTime();
        if (!interactive || (now - lastDraw < 200_000_000L && done < batches)) {
            return;
        }
        lastDraw = now;
        int width = 24;
        int filled = (int) ((long) width * done / batches);
        double elapsed = (now - epochStart) / 1e9;
        double eta = elapsed / done * (batches - done);
        print(String.format(Locale.ROOT, "\repoch %d/%d [%s%s] %d/%d loss %.4f lr %.2e ETA %s ", epoch, epochs,
                "=".repeat(filled), " ".repeat(width - filled), done, batches, loss, lr, clock(eta)));
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
