package org.lumen.nn.model;

import java.nio.file.Path;
import org.lumen.core.image.Image;
import org.lumen.core.image.ImageDecoder;
import org.lumen.core.image.ImageOps;
import org.lumen.core.image.Stretch;

/**
 * From a file to what a model takes, the same way for training, evaluation, prediction and explanation:
 * decode (with the pixel limit), map physical values (FITS, float TIFF) to [0, 1] with a 0.5-99.5 percentile
 * linear stretch, convert to the model's channel count, and resize to {@code imgsz x imgsz} (bilinear,
 * antialiased) unless already that size. The result is float32 CHW in [0, 1], not yet normalised.
 */
public final class Preprocess {
    /** The stretch applied to physical-valued images, in percent. */
    public static final double LOW_PERCENTILE = 0.5;
    public static final double HIGH_PERCENTILE = 99.5;

    private Preprocess() {}

    public static Image load(Path file, int imgsz, int channels) {
        return fit(ImageDecoder.read(file), imgsz, channels);
    }

    public static Image fit(Image image, int imgsz, int channels) {
        Image img = prepare(image, channels);
        if (img.height() != imgsz || img.width() != imgsz) {
            img = ImageOps.resize(img, imgsz, imgsz);
        }
        return img;
    }

    /** {@link #fit} without the resize: physical values stretched, channels adapted, the size kept. */
    public static Image prepare(Image image, int channels) {
        Image img = image.scale() == Image.Scale.PHYSICAL
                ? Stretch.percentile(image, LOW_PERCENTILE, HIGH_PERCENTILE) : image;
        return ImageOps.toChannels(img, channels);
    }

    /**
     * {@code image} as a classifier or segmenter of {@code info} takes it: {@link #fit} to its size and channels,
     * then {@link #normalise normalised} with its mean and std; a fresh float32 CHW array.
     */
    public static float[] normalised(Image image, ModelInfo info) {
        float[] x = fit(image, info.imgsz(), info.channels()).data().clone();
        normalise(x, info.channels(), info.imgsz(), info.mean(), info.std());
        return x;
    }

    /** {@code (x - mean) / std} per channel of a {@code c x s x s} CHW image, in place. */
    public static void normalise(float[] img, int c, int s, float[] mean, float[] std) {
        int plane = s * s;
        for (int ch = 0; ch < c; ch++) {
            float m = mean[ch];
            float inv = 1f / std[ch];
            for (int i = ch * plane, end = i + plane; i < end; i++) {
                img[i] = (img[i] - m) * inv;
            }
        }
    }
}
