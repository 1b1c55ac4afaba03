/**
 * Image classification as a task: {@link org.lumen.nn.classify.Classifier} loads, makes or transfers a classifier
 * (any {@link org.lumen.nn.models.backbone.Backbones backbone}) and runs it on decoded images;
 * {@link org.lumen.nn.classify.ClassifierTraining} trains one on an image folder ({@link
 * org.lumen.nn.classify.FolderImages}) through the shared training run of {@code org.lumen.nn.train}, and
 * {@link org.lumen.nn.classify.Evaluation} / {@link org.lumen.nn.classify.ClassificationReport} measure it
 * (accuracy, precision, sensitivity, specificity, F1, AUC, AP).
 */
package org.lumen.nn.classify;
