package org.lumen.nn.robust;

import ai.djl.ndarray.NDArray;

/**
 * An adversarial attack on a classifier in pixel space ({@link PixelModel}). Built by {@link Attacks#builder()}.
 */
public interface Attack {
    /**
     * Adversarial images for a batch: {@code images} {@code [N, C, H, W]} in {@code [0, 1]} (read, never modified)
     * and one label per image (untargeted: the class to move away from; targeted: the class to reach). The result
     * has the batch's shape and manager, lies in {@code [0, 1]} and within the attack's epsilon of the images.
     */
    NDArray perturb(NDArray images, int[] labels);

    /** The method's name, as {@link Attacks#methods()} lists it. */
    String method();
}
