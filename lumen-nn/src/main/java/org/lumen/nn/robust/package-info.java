/**
 * Adversarial robustness: attacks on classifiers in the pixel units of {@code [0, 1]} images, with the
 * normalisation inside the model as torchattacks has it ({@link org.lumen.nn.robust.PixelModel}), built by name
 * with {@link org.lumen.nn.robust.Attacks}: FGSM and PGD under the L-inf and L2 norms.
 */
package org.lumen.nn.robust;
