/**
 * One way to keep and run any Lumen model.
 *
 * <p>{@link org.lumen.nn.model.ModelInfo} is what {@code model.json} says (task, arch, classes, input size,
 * channels, normalisation, provenance); {@link org.lumen.nn.model.Preprocess} turns a decoded image into the
 * model's input as training saw it. {@link org.lumen.nn.model.ModelDir} is a model directory on disk ({@code model.json} +
 * {@code weights.safetensors}, written atomically, read once, checked for the task it holds).
 * {@link org.lumen.nn.model.LoadedModel} is what the classifier, segmenter and detector share once loaded: the
 * {@code NDManager} holding the weights, the network and the {@link org.lumen.nn.model.ModelInfo}.
 * {@link org.lumen.nn.model.Model} is the one run API: decoded images in, results in each original image's pixels
 * out ({@link org.lumen.nn.model.Classification}, {@link org.lumen.nn.model.Segmentation},
 * {@link org.lumen.nn.model.Detections}), with the preprocessing (stretch, channels, resize, normalisation) inside;
 * {@link org.lumen.nn.model.Model#load} gives the right kind for the task in {@code model.json}, found among the
 * {@link org.lumen.nn.model.ModelLoader} providers each task package registers, so this package names no task.
 */
package org.lumen.nn.model;
