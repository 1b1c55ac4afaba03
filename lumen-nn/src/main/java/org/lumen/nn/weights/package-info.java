/**
 * Weights as files: reading and writing safetensors in PyTorch's parameter names, and loading them into a Module
 * strictly (missing, unexpected and wrong-shaped tensors all named), with the adaptations training needs (a new
 * head, a first convolution for other channels). Nothing is ever unpickled.
 */
package org.lumen.nn.weights;
