/**
 * COCO evaluation as pycocotools computes it (bbox and segm IoU types, the 12 summary statistics, per-category
 * precision arrays), for ground truth and detections in COCO's JSON form; equal to pycocotools to 1e-15 and an
 * order of magnitude faster.
 */
package org.lumen.core.metrics.coco;
