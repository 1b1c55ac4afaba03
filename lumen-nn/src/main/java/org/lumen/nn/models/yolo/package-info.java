/**
 * Ultralytics' YOLOv8 detectors ({@code n}, {@code s}, {@code m}) and their {@code -seg} variants under
 * Ultralytics' parameter names ({@link org.lumen.nn.models.yolo.YoloV8}), with its losses (the task-aligned
 * assigner, {@link org.lumen.nn.models.yolo.TaskAlignedAssigner}), decoding, NMS at IoU 0.7 and, for the
 * {@code -seg} models, {@code process_mask}. {@link org.lumen.nn.models.yolo.YoloNet} and
 * {@link org.lumen.nn.models.yolo.YoloSegNet} present them as Lumen detectors (640 pixels by default).
 */
package org.lumen.nn.models.yolo;
