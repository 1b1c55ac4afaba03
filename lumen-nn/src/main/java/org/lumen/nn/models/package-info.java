/**
 * The models: what every model family offers the front ends, and the families themselves in the packages below.
 * Here live the contracts a detector implements, {@link org.lumen.nn.models.DetectionNet} (boxes; training losses;
 * weights transfer) and {@link org.lumen.nn.models.InstanceSegmentationNet} (boxes and per-detection mask maps), and
 * {@link org.lumen.nn.models.MaskDetections}, one image's detections with run-length encoded masks. The packages
 * below depend on these and never on the task packages ({@code org.lumen.nn.detect} and the like) that use them:
 * {@code backbone} (classification networks, torchvision's names), {@code rcnn} (Faster and Mask R-CNN from
 * torchvision's parts), {@code yolo} (YOLOv8 and YOLOv8-seg under Ultralytics' names) and {@code segmentation}
 * (U-Nets).
 */
package org.lumen.nn.models;
