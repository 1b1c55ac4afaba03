package org.lumen.nn.train;

/**
 * A labelled image set as the trainer sees it: square images of one size, float32 CHW with values in [0, 1]
 * (before normalisation), and 0-based labels.
 */
public interface LabeledImages {
    int size();

    int label(int index);

    /** A fresh copy of image {@code index}, which the caller may modify (augmentation works in place). */
    float[] pixels(int index);

    /** A name for messages and reports (usually the file). */
    String name(int index);
}
