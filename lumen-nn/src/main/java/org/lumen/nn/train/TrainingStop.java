package org.lumen.nn.train;

/**
 * A request, process-wide, that training stop at its next safe point (an interrupted run: Ctrl-C, SIGTERM), and the
 * means to wait until it has.
 *
 * <p>The epoch loop checks the request after every batch and after each epoch's checkpoint and log row are written,
 * and stops by throwing {@link Stopped}: the epoch in progress is abandoned (its batches are not saved; a resumed run
 * runs it again from its start, exactly as the uninterrupted run would have), and {@code RUN/last} holds the last
 * finished epoch, complete, since the loop never stops between the start and the end of a checkpoint write. A
 * shutdown hook calls {@link #request()}, then {@link #awaitStopped(long)}, and may then tell the user how to resume.
 */
public final class TrainingStop {
    private static final Object LOCK = new Object();
    private static volatile boolean requested;
    private static int running;

    private TrainingStop() {}

    /** Thrown by the epoch loop when it stops on request; {@link #epoch()} is the last epoch checkpointed. */
    public static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int epoch;

        Stopped(int epoch) {
            super("training stopped on request after epoch " + epoch);
            this.epoch = epoch;
        }

        /** The last finished (and checkpointed) epoch, 0 if none. */
        public int epoch() {
            return epoch;
        }
    }

    /** Asks every running (and later) epoch loop of this process to stop at its next safe point. */
    public static void request() {
        requested = true;
    }

    /** Whether a stop was requested. */
    public static boolean requested() {
        return requested;
    }

    /** Withdraws a request (tests, which run many commands in one process). */
    public static void clear() {
        requested = false;
    }

    /**
     * Waits until no epoch loop is running (they stop at their next safe point once {@link #request()}ed), at most
     * {@code millis} milliseconds. Returns whether none is running.
     */
    public static boolean awaitStopped(long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        synchronized (LOCK) {
            for (long left = millis; running > 0 && left > 0; left = end - System.currentTimeMillis()) {
                LOCK.wait(left);
            }
            return running == 0;
        }
    }

    static void enter() {
        synchronized (LOCK) {
            running++;
        }
    }

    static void leave() {
        synchronized (LOCK) {
            running--;
            LOCK.notifyAll();
        }
    }

    /** Throws {@link Stopped} if a stop was requested; call only at a safe point. */
    static void check(int lastEpoch) {
        if (requested) {
            throw new Stopped(lastEpoch);
        }
    }
}
