/**
 * Metrics of explanation quality. Faithfulness to the model ({@link org.lumen.nn.explain.eval.FaithfulnessMetrics}:
 * deletion and insertion curves, ROAD with {@link org.lumen.nn.explain.eval.NoisyLinearImputer noisy linear
 * imputation}, confidence change), agreement with ground truth ({@link org.lumen.nn.explain.eval.PointingGame},
 * {@link org.lumen.nn.explain.eval.LocalisationBox}) and agreement between methods
 * ({@link org.lumen.nn.explain.eval.RankCorrelation}). Heatmaps are {@code float[H * W]}, row-major, at the
 * model's input size, as {@link org.lumen.nn.explain.Explanation#heatmap()} gives them.
 *
 * <p>{@link org.lumen.nn.explain.eval.ExplanationScores} explains images with several methods and scores every map
 * with every metric (what {@code lumen explain-eval} reports); {@link org.lumen.nn.explain.eval.ExplainBoxes} writes
 * a heatmap's localisation box as a JSON sidecar.
 */
package org.lumen.nn.explain.eval;
