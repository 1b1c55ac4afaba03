/**
 * Geometry of instances: COCO run-length encoding (pycocotools' compressed strings), polygons and their
 * rasterisation, contours of masks, and IoU of boxes and of masks as pycocotools computes them.
 */
package org.lumen.core.geometry;
