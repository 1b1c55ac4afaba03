/**
 * The module system: Module (named parameters, buffers and children, train/eval mode, forward hooks for the
 * explainers), Parameter and the initialisers torch.nn uses.
 */
package org.lumen.nn.module;
