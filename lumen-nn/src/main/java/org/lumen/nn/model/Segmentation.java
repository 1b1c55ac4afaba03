package org.lumen.nn.model;

/**
 * A segmenter's answer for one image: the class of each pixel at the image's own {@code height x width}
 * (row-major, {@code classes[y * width + x]}; class 0 is the background, and a one-class model gives 0 or 1).
 * The model's logits were resized to the image's size bilinearly before the arg-max.
 */
public record Segmentation(byte[] classes, int height, int width) implements Prediction {
    public Segmentation {
        if (classes.length != height * width) {
            throw new IllegalArgumentException(classes.length + " pixels for " + height + " x " + width);
        }
    }

    /** How many pixels each class {@code 0 .. k-1} has. */
    public long[] counts(int k) {
        long[] counts = new long[k];
        for (byte c : classes) {
            counts[c]++;
        }
        return counts;
    }
}
