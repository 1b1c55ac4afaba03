/**
 * Semantic segmentation networks by name ({@link org.lumen.nn.models.segmentation.Segmentations}): the classic
 * {@link org.lumen.nn.models.segmentation.UNet} ({@code unet}, {@code unet-w<W>-d<D>}) and U-Nets on a
 * classification backbone ({@link org.lumen.nn.models.segmentation.BackboneUNet}, {@code unet-<backbone>}); each is a
 * {@link org.lumen.nn.models.segmentation.SegmentationModel} taking {@code [N, C, H, W]} images to
 * {@code [N, classes, H, W]} logits.
 */
package org.lumen.nn.models.segmentation;
