/**
 * The layers networks are built from, named and shaped as torch.nn's (Conv2d, ConvTranspose2d, BatchNorm2d,
 * torchvision's FrozenBatchNorm2d, LayerNorm, Linear, Dropout, StochasticDepth, Sequential, Lambda), so that a state dict moves between Lumen and
 * PyTorch by name.
 */
package org.lumen.nn.layers;
