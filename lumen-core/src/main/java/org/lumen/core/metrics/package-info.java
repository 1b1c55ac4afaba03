/**
 * Classification and semantic-segmentation metrics with scikit-learn's definitions: confusion matrices, per-class
 * precision, recall, specificity, F1, ROC AUC and step-wise average precision (one-vs-rest, macro means),
 * threshold sweeps and curves; Dice, IoU and boundary F1 for masks.
 */
package org.lumen.core.metrics;
