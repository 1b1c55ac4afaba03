/**
 * Explanations of a model's decisions for images: where in each image the evidence for (or against) a class lies.
 *
 * <ul>
 *   <li>{@link org.lumen.nn.explain.Explainer} is the contract: a normalised batch {@code [N, C, H, W]} and one
 *       class per image in, one {@link org.lumen.nn.explain.Explanation} per image out (a raw map and a heatmap
 *       in [0, 1] at the input size).</li>
 *   <li>{@link org.lumen.nn.explain.Cam} is the class activation map family (Grad-CAM and its relatives), one
 *       small class per method behind one hook; {@link org.lumen.nn.explain.Capture} is what a hook reads.</li>
 *   <li>{@link org.lumen.nn.explain.Attribution} is the attributions to input pixels (gradients, integrated
 *       gradients, smoothgrad, occlusion, LIME, Kernel SHAP), likewise one class per method behind one hook, built
 *       by {@link org.lumen.nn.explain.AttributionBuilder}.</li>
 *   <li>{@link org.lumen.nn.explain.Explainers} lists every method by name and builds the one a name gives.</li>
 *   <li>{@link org.lumen.nn.explain.DetectionTarget} and {@link org.lumen.nn.explain.SegmentationTarget} make a
 *       detector (a detection overlapping a box) or a segmentation model (a class over a region) explainable by any
 *       explainer; {@link org.lumen.nn.explain.Regions} maps boxes and masks of an image to the model's input.</li>
 * </ul>
 *
 * <p>Faults in what a caller asked for are {@link org.lumen.core.LumenException#setting settings} named as the Java
 * API names them ({@code layer}, {@code method}, {@code target}, {@code window}, ...). Measures of explanation
 * quality are in {@link org.lumen.nn.explain.eval}.
 */
package org.lumen.nn.explain;
