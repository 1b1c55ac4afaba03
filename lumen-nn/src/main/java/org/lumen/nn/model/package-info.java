/**
 * One way to keep and run any Lumen model.
 *
 * <p>{@link org.lumen.nn.model.ModelDir} is a model directory on disk ({@code model.json} +
 * {@code weights.safetensors}, written atomically, read once, checked for the task it holds).
 * {@link org.lumen.nn.model.LoadedModel} is what the classifier, segmenter and detector share once loaded: the
 * {@code NDManager} holding the weights, the network and the {@link org.lumen.nn.classify.ModelInfo}.
 * {@link org.lumen.nn.model.Model} is the one run API: decoded images in, results in each original image's pixels
 * out ({@link org.lumen.nn.model.Classification}, {@link org.lumen.nn.model.Segmentation},
 * {@link org.lumen.nn.model.Detections}), with the preprocessing (stretch, channels, resize, normalisation) inside;
 * {@link org.lumen.nn.model.Model#load} gives the right kind for the task in {@code model.json}.
 */
package org.lumen.nn.model;
