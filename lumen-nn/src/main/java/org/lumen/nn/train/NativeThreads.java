package org.lumen.nn.train;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's intra-op thread count (what PyTorch's {@code torch.set_num_threads} sets): the threads one operator
 * (a convolution, a matrix product) is split over. libtorch's default is the number of physical cores.
 */
public final class NativeThreads {
    /** The most threads {@link #set} accepts. */
    public static final int MAX = 1024;

    private NativeThreads() {}

    /**
     * Sets the intra-op thread count for the rest of the process: for an engine not yet started through DJL's
     * {@code ai.djl.pytorch.num_threads} (read when it starts), for a running one directly.
     *
     * @throws IllegalArgumentException if {@code n} is not between 1 and {@value #MAX}
     */
    public static void set(int n) {
        if (n < 1 || n > MAX) {
            throw new IllegalArgumentException("threads must be between 1 and " + MAX + ", got " + n);
        }
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
        Engine.getEngine("PyTorch"); // starts it (reading the property) if it was not running
        JniUtils.setNumThreads(n);
    }

    /** The current intra-op thread count (starts the engine if needed). */
    public static int get() {
        Engine.getEngine("PyTorch");
        return JniUtils.getNumThreads();
    }
}
