/**
 * The built-in synthetic galaxy survey: Sersic discs and bulges with giant star-forming clumps, a Gaussian PSF,
 * noise and Lupton RGB, written as classification, segmentation and detection datasets with exact masks and boxes
 * (lumen synth galaxies).
 */
package org.lumen.core.synth;
