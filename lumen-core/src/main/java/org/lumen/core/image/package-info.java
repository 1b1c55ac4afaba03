/**
 * Images in and out: the decoders (PNG, JPEG, 8- and 16-bit TIFF, FITS including tile-compressed HDUs through
 * nom-tam-fits), the Image type (float planes, channels first), band selection for multi-plane data, stretches
 * and colour maps for astronomy, antialiased resizing equal to PyTorch's, the pixel limit, and overlays (boxes,
 * masks, heat maps).
 */
package org.lumen.core.image;
