/**
 * Detections as plain arrays (Boxes: xyxy boxes, scores, labels per image) and the detection metrics beyond
 * COCO's: precision, recall, completeness and purity at an IoU threshold, as the clump-detection papers report
 * them.
 */
package org.lumen.core.metrics.detection;
