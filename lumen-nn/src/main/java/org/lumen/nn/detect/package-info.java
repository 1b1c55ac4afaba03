/**
 * Object detection as a task: {@link org.lumen.nn.detect.DetectionNets} builds a detector by architecture name
 * (YOLOv8 and YOLOv8-seg, Faster and Mask R-CNN), {@link org.lumen.nn.detect.Detector} loads one with its model
 * information and runs it on images (boxes, and masks where the model gives them), and the training and evaluation
 * around it ({@link org.lumen.nn.detect.DetectionTraining}, {@link org.lumen.nn.detect.DetectionEvaluation},
 * {@link org.lumen.nn.detect.DetectionReport}). The models themselves, and the contracts they implement
 * ({@link org.lumen.nn.models.DetectionNet}), live in {@code org.lumen.nn.models}.
 */
package org.lumen.nn.detect;
