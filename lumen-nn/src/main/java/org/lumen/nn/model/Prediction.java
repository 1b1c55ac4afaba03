package org.lumen.nn.model;

/** What a {@link Model} says about one image: a classification, a segmentation or detections. */
public sealed interface Prediction permits Classification, Segmentation, Detections {}
