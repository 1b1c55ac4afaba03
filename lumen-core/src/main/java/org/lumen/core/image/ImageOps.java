package org.lumen.core.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.lumen.core.io.AtomicFiles;

/**
 * The per-image steps between a decoded file and a model input: resizing, channel conversion,
 * normalisation, and back to 8-bit RGB for viewing. Every method returns new data and leaves its input
 * unchanged.
 */
public final class ImageOps {
    /** PIL's {@code convert("L")} weights (ITU-R 601-2 luma) for R, G and B. */
    static final float LUMA_RED = 0.299f;
    static final float LUMA_GREEN = 0.587f;
    static final float LUMA_BLUE = 0.114f;

    private ImageOps() {}

    /**
     * Resizes to {@code height x width} with antialiased bilinear resampling, equal (to float rounding) to
     * {@code torch.nn.functional.interpolate(x, size=(height, width), mode="bilinear", align_corners=False,
     * antialias=True)}, i.e. torchvision's {@code Resize} on tensors. Channels, depth and scale are kept.
     *
     * @throws IllegalArgumentException if {@code height} or {@code width} is not positive
     */
    public static Image resize(Image image, int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("resize target must be positive, got " + height + " x " + width);
        }
        float[] data = AntialiasedBilinear.resize(image.data(), image.channels(), image.height(), image.width(),
                height, width);
        return image.withData(image.channels(), height, width, data);
    }

    /**
     * Converts to {@code channels} (1 or 3) channels as PIL's {@code convert} does: alpha (the last channel
     * of a 2- or 4-channel image) is dropped, not composited; grey becomes RGB by replication; RGB becomes
     * grey by {@code 0.299 R + 0.587 G + 0.114 B}. Returns {@code image} itself when it already has
     * {@code channels} channels.
     *
     * @throws IllegalArgumentException for other conversions (to 2 or 4 channels, or from more than 4)
     */
    public static Image toChannels(Image image, int channels) {
        int from = image.channels();
        if (from == channels) {
            return image;
        }
        if (from > 4 || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException("cannot convert a " + from + "-channel image to " + channels
                    + " channels (supported: 1, 2, 3 or 4 channels to 1 or 3)");
        }
        int colours = (from == 2 || from == 4) ? from - 1 : from; // without alpha
        int plane = image.height() * image.width();
        float[] src = image.data();
        float[] dst = new float[channels * plane];
        if (colours == channels) {
            System.arraycopy(src, 0, dst, 0, dst.length);
        } else if (channels == 3) {
            for (int c = 0; c < 3; c++) {
                System.arraycopy(src, 0, dst, c * plane, plane);
            }
        } else {
            for (int i = 0; i < plane; i++) {
                dst[i] = LUMA_RED * src[i] + LUMA_GREEN * src[plane + i] + LUMA_BLUE * src[2 * plane + i];
            }
        }
        return image.withData(channels, image.height(), image.width(), dst);
    }

    /**
     * Returns a new CHW array {@code (x - mean[c]) / std[c]}, as torchvision's {@code Normalize}.
     *
     * @throws IllegalArgumentException if {@code mean} or {@code std} does not have one entry per channel,
     *     or a {@code std} entry is zero
     */
    public static float[] normalize(Image image, float[] mean, float[] std) {
        int channels = image.channels();
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException("normalisation has " + mean.length + " means and " + std.length
                    + " standard deviations for a " + channels + "-channel image");
        }
        int plane = image.height() * image.width();
        float[] src = image.data();
        float[] dst = new float[src.length];
        for (int c = 0; c < channels; c++) {
            if (std[c] == 0f) {
                throw new IllegalArgumentException("standard deviation of channel " + c + " is zero");
            }
            float m = mean[c];
            float s = std[c];
            // division, not multiplication by 1/s: bit-identical to torchvision's sub_(mean).div_(std)
            for (int i = c * plane, end = i + plane; i < end; i++) {
                dst[i] = (src[i] - m) / s;
            }
        }
        return dst;
    }

    /**
     * An 8-bit RGB image ({@link BufferedImage#TYPE_3BYTE_BGR}) for viewing: channels converted as by
     * {@link #toChannels(Image, int) toChannels(image, 3)}, values clipped to [0, 1], NaN shown as 0, and
     * {@code round(v * 255)}. Physical (unstretched) images should go through {@link Stretch} first.
     */
    public static BufferedImage toRgb8(Image image) {
        Image rgb = toChannels(image, 3);
        int width = rgb.width();
        int plane = rgb.height() * width;
        float[] src = rgb.data();
        BufferedImage out = new BufferedImage(width, rgb.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < plane; i++) {
            bgr[3 * i] = toByte(src[2 * plane + i]);
            bgr[3 * i + 1] = toByte(src[plane + i]);
            bgr[3 * i + 2] = toByte(src[i]);
        }
        return out;
    }

    private static byte toByte(float v) {
        // written so NaN fails the first test and lands on 0
        float clipped = v > 0f ? Math.min(v, 1f) : 0f;
        return (byte) (int) (clipped * 255f + 0.5f);
    }

    /** Writes {@code image} as a PNG to {@code file} atomically (a reader never sees half a file). */
    public static void writePng(BufferedImage image, Path file) throws IOException {
        AtomicFiles.write(file, out -> {
            // an explicit memory-cached stream: ImageIO's default would create temporary files
            try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
                if (!ImageIO.write(image, "png", stream)) {
                    throw new IOException("no PNG writer for image type " + image.getType());
                }
            }
        });
    }
}
