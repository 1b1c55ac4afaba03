/**
 * Semantic segmentation as a task: {@link org.lumen.nn.segment.Segmenter} loads, makes or transfers a U-Net
 * (classic, or on a classification backbone's encoder) and gives each decoded image a class map at its own size;
 * {@link org.lumen.nn.segment.SegmentationTraining} trains one on a mask dataset ({@link
 * org.lumen.nn.segment.MaskImages}) through the shared training run of {@code org.lumen.nn.train}, and
 * {@link org.lumen.nn.segment.SegmentationEvaluation} / {@link org.lumen.nn.segment.SegmentationReport} measure it
 * (IoU and Dice per class, pixel accuracy).
 */
package org.lumen.nn.segment;
