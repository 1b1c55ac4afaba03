/**
 * Tensor operations shared by the models, each equal to its PyTorch or torchvision counterpart: Functional
 * (convolution, pooling, interpolation, the layouts), InferenceLayout (where inference may run channels-last),
 * NMS and batched NMS, box coding and formats, RoIAlign, the FPN level mapper, tiling of large images, and scalar
 * helpers.
 */
package org.lumen.nn.ops;
