package org.lumen.nn.explain.eval;

/**
 * The score of the image multiplied by its heatmap against the score of the image (pytorch-grad-cam's
 * {@code CamMultImageConfidenceChange}; the product is taken on the normalised input, as there).
 *
 * @param original the score of the unmodified image {@code Y}
 * @param masked the score of {@code image * heatmap}, {@code O}
 */
public record ConfidenceChange(double original, double masked) {
    /** {@code O - Y}: what pytorch-grad-cam's {@code CamMultImageConfidenceChange} returns. */
    public double change() {
        return masked - original;
    }

    /** {@code max(0, Y - O)}: pytorch-grad-cam's {@code DropInConfidence} (lower is better). */
    public double drop() {
        return Math.max(0, original - masked);
    }

    /** {@code max(0, Y - O) / Y}: one image's term of Grad-CAM++'s "average drop" (NaN when {@code Y <= 0}). */
    public double relativeDrop() {
        return original > 0 ? drop() / original : Double.NaN;
    }

    /** Whether {@code O > Y}: pytorch-grad-cam's {@code IncreaseInConfidence} (1 or 0; its mean is the rate). */
    public boolean increase() {
        return masked > original;
    }
}
