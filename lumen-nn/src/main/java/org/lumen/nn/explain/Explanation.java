package org.lumen.nn.explain;

/**
 * The explanation of one image for one target class.
 *
 * @param target the explained class index
 * @param score the target's pre-softmax logit for the unmodified image
 * @param rawHeight rows of {@code raw} (the layer's spatial height)
 * @param rawWidth columns of {@code raw}
 * @param raw the class activation map at the layer's resolution, after ReLU and before any normalisation or
 *     resizing: {@code float[rawHeight * rawWidth]}, row-major, {@code >= 0}
 * @param height rows of {@code heatmap} (the input's height)
 * @param width columns of {@code heatmap}
 * @param heatmap the map min-max normalised and bilinearly resized to the input: {@code float[height * width]},
 *     row-major, in [0, 1]
 */
public record Explanation(int target, float score, int rawHeight, int rawWidth, float[] raw, int height, int width,
        float[] heatmap) {}
