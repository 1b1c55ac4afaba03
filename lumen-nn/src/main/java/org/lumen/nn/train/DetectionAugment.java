package org.lumen.nn.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.lumen.core.image.AntialiasedBilinear;

/**
 * Augmentations that keep boxes (and instance masks) right: horizontal and vertical flips, 90-degree rotations
 * (sky and microscope images have no "up"), a random scale with the canvas size kept (zoom in: crop; zoom out: pad with zeros),
 * and YOLO's mosaic (four images around a random centre). Boxes that leave the canvas are clipped; what is left
 * of a box narrower or shorter than {@code minSize} pixels, or with less than {@code minVisible} of its area,
 * is dropped.
 *
 * <p>Images are float {@code [C, H, W]} arrays; boxes are flat {@code x1, y1, x2, y2} in pixels.
 *
 * @param flip probability of each flip (horizontal, vertical)
 * @param rotate90 whether to rotate by a random multiple of 90 degrees (square images only)
 * @param scale scale factor drawn uniformly from {@code [1 - scale, 1 + scale]}; 0 for none
 * @param mosaic probability of a mosaic (used by {@link #mosaic})
 */
public record DetectionAugment(double flip, boolean rotate90, double scale, double mosaic) {
    public static final DetectionAugment NONE = new DetectionAugment(0, false, 0, 0);
    /** Flips, rotations and a scale of +-25%: safe for galaxies, cells and orchards alike. */
    public static final DetectionAugment SCIENCE = new DetectionAugment(0.5, true, 0.25, 0.5);

    private static final double MIN_SIZE = 2;
    private static final double MIN_VISIBLE = 0.25;

    public DetectionAugment {
        if (flip < 0 || flip > 1 || mosaic < 0 || mosaic > 1 || scale < 0 || scale >= 1) {
            throw new IllegalArgumentException("augmentation out of range: flip " + flip + ", scale " + scale
                    + ", mosaic " + mosaic);
        }
    }

    /**
     * An image with its boxes, their labels and, for instance segmentation, their masks.
     *
     * @param masks {@code null}, or per object its {@code height * width} row-major mask (0 or 1), moved with
     *     the image by every augmentation
     */
    public record Sample(float[] image, int channels, int height, int width, double[] boxes, int[] labels,
            float[][] masks) {
        public Sample {
            if (masks != null && masks.length != labels.length) {
                throw new IllegalArgumentException(masks.length + " masks for " + labels.length + " objects");
            }
        }

        /** A sample without masks. */
        public Sample(float[] image, int channels, int height, int width, double[] boxes, int[] labels) {
            this(image, channels, height, width, boxes, labels, null);
        }

        public int count() {
            return labels.length;
        }
    }

    /** The masks as one {@code [count, H, W]} array, to go through the image's transform; null for none. */
    private static float[] packed(Sample s) {
        if (s.masks() == null) {
            return null;
        }
        int hw = s.height() * s.width();
        float[] out = new float[s.masks().length * hw];
        for (int k = 0; k < s.masks().length; k++) {
            System.arraycopy(s.masks()[k], 0, out, k * hw, hw);
        }
        return out;
    }

    private static float[][] unpacked(float[] packed, int count, int h, int w) {
        if (packed == null) {
            return null;
        }
        float[][] out = new float[count][];
        for (int k = 0; k < count; k++) {
            out[k] = java.util.Arrays.copyOfRange(packed, k * h * w, (k + 1) * h * w);
        }
        return out;
    }

    /** Applies flips, rotation and scale to one sample (a new sample; the input is not modified). */
    public Sample apply(Sample s, SplittableRandom rnd) {
        Sample out = s;
        if (flip > 0 && rnd.nextDouble() < flip) {
            out = flipHorizontal(out);
        }
        if (flip > 0 && rnd.nextDouble() < flip) {
            out = flipVertical(out);
        }
        if (rotate90 && out.height() == out.width()) {
            int k = rnd.nextInt(4);
            for (int i = 0; i < k; i++) {
                out = rotate90(out);
            }
        }
        if (scale > 0) {
            double f = 1 - scale + 2 * scale * rnd.nextDouble();
            out = scale(out, f, rnd.nextDouble(), rnd.nextDouble());
        }
        return out;
    }

    static Sample flipHorizontal(Sample s) {
        return flip(s, true);
    }

    static Sample flipVertical(Sample s) {
        return flip(s, false);
    }

    /** A sample mirrored left-right ({@code horizontal}) or top-bottom: image, boxes and masks together. */
    private static Sample flip(Sample s, boolean horizontal) {
        int h = s.height();
        int w = s.width();
        int lo = horizontal ? 0 : 1; // x1 (and x2 = lo + 2) or y1 (and y2)
        int size = horizontal ? w : h;
        double[] b = s.boxes().clone();
        for (int i = 0; i < s.count(); i++) {
            b[4 * i + lo] = size - s.boxes()[4 * i + lo + 2];
            b[4 * i + lo + 2] = size - s.boxes()[4 * i + lo];
        }
        return new Sample(flip(s.image(), s.channels(), h, w, horizontal), s.channels(), h, w, b, s.labels().clone(),
                s.masks() == null ? null
                        : unpacked(flip(packed(s), s.count(), h, w, horizontal), s.count(), h, w));
    }

    /** {@code c} planes of {@code h x w} mirrored left-right ({@code horizontal}) or top-bottom, as a new array. */
    private static float[] flip(float[] src, int c, int h, int w, boolean horizontal) {
        float[] img = new float[src.length];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                int row = (ch * h + y) * w;
                if (!horizontal) {
                    System.arraycopy(src, (ch * h + h - 1 - y) * w, img, row, w);
                    continue;
                }
                for (int x = 0; x < w; x++) {
                    img[row + x] = src[row + w - 1 - x];
                }
            }
        }
        return img;
    }

    /** Rotates a square sample 90 degrees counter-clockwise: pixel (x, y) goes to (y, W - 1 - x). */
    static Sample rotate90(Sample s) {
        int n = s.height();
        double[] b = new double[s.boxes().length];
        double[] a = s.boxes();
        for (int i = 0; i < s.count(); i++) {
            b[4 * i] = a[4 * i + 1];
            b[4 * i + 1] = n - a[4 * i + 2];
            b[4 * i + 2] = a[4 * i + 3];
            b[4 * i + 3] = n - a[4 * i];
        }
        return new Sample(rotate90(s.image(), s.channels(), n), s.channels(), n, n, b, s.labels().clone(),
                s.masks() == null ? null : unpacked(rotate90(packed(s), s.count(), n), s.count(), n, n));
    }

    private static float[] rotate90(float[] src, int c, int n) {
        float[] img = new float[src.length];
        for (int ch = 0; ch < c; ch++) {
            int base = ch * n * n;
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    img[base + (n - 1 - x) * n + y] = src[base + y * n + x];
                }
            }
        }
        return img;
    }

    /**
     * Scales by {@code f} about a random point and keeps the canvas size: the scaled image is placed with its
     * top-left at {@code (u, v)} of the possible offsets (0..1 each). Masks are resampled as the image and cut at
     * one half.
     */
    static Sample scale(Sample s, double f, double u, double v) {
        int h = s.height();
        int w = s.width();
        int sh = Math.max(1, (int) Math.round(h * f));
        int sw = Math.max(1, (int) Math.round(w * f));
        // offset of the scaled image on the canvas: negative when it is larger (a crop)
        int ox = (int) Math.floor((w - sw) * u);
        int oy = (int) Math.floor((h - sh) * v);
        float[] img = scaled(s.image(), s.channels(), h, w, sh, sw, ox, oy);
        float[][] masks = null;
        if (s.masks() != null) {
            float[] m = scaled(packed(s), s.count(), h, w, sh, sw, ox, oy);
            for (int i = 0; i < m.length; i++) {
                m[i] = m[i] >= 0.5f ? 1 : 0;
            }
            masks = unpacked(m, s.count(), h, w);
        }
        double fx = (double) sw / w;
        double fy = (double) sh / h;
        double[] b = s.boxes().clone();
        for (int i = 0; i < s.count(); i++) {
            b[4 * i] = b[4 * i] * fx + ox;
            b[4 * i + 2] = b[4 * i + 2] * fx + ox;
            b[4 * i + 1] = b[4 * i + 1] * fy + oy;
            b[4 * i + 3] = b[4 * i + 3] * fy + oy;
        }
        return clip(new Sample(img, s.channels(), h, w, b, s.labels().clone(), masks));
    }

    private static float[] scaled(float[] src, int c, int h, int w, int sh, int sw, int ox, int oy) {
        float[] scaled = AntialiasedBilinear.resize(src, c, h, w, sh, sw);
        float[] img = new float[c * h * w];
        for (int ch = 0; ch < c; ch++) {
            for (int y = Math.max(0, oy); y < Math.min(h, oy + sh); y++) {
                int x0 = Math.max(0, ox);
                int x1 = Math.min(w, ox + sw);
                System.arraycopy(scaled, (ch * sh + y - oy) * sw + x0 - ox, img, (ch * h + y) * w + x0, x1 - x0);
            }
        }
        return img;
    }

    /**
     * YOLO's mosaic: four samples of the same size {@code H x W} fill the four quadrants around a random centre
     * of a {@code 2H x 2W} canvas (each placed so that its corner touches the centre), and the canvas's middle
     * {@code H x W} window is kept (as Ultralytics' mosaic border does): where the centre falls decides how much of
     * each image is seen.
     */
    public static Sample mosaic(List<Sample> four, SplittableRandom rnd) {
        if (four.size() != 4) {
            throw new IllegalArgumentException("a mosaic needs 4 samples, got " + four.size());
        }
        Sample first = four.get(0);
        int c = first.channels();
        int h = first.height();
        int w = first.width();
        // centre in the middle half of the big canvas, which is the window kept: [w/2, 3w/2) x [h/2, 3h/2)
        int cx = w / 2 + rnd.nextInt(w);
        int cy = h / 2 + rnd.nextInt(h);
        int wx = w / 2;
        int wy = h / 2;
        float[] img = new float[c * h * w];
        List<double[]> boxes = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        boolean withMasks = first.masks() != null;
        List<float[]> masks = new ArrayList<>();
        for (int q = 0; q < 4; q++) {
            Sample s = four.get(q);
            if (s.channels() != c || s.height() != h || s.width() != w) {
                throw new IllegalArgumentException("mosaic samples differ in size");
            }
            // top-left of this sample on the big canvas
            int px = (q % 2 == 0) ? cx - w : cx;
            int py = (q < 2) ? cy - h : cy;
            // its offset in the output window
            int ox = px - wx;
            int oy = py - wy;
            place(s.image(), c, h, w, img, ox, oy);
            if (withMasks != (s.masks() != null)) {
                throw new IllegalArgumentException("mosaic samples differ: some have masks, some not");
            }
            for (int i = 0; i < s.count(); i++) {
                if (withMasks) {
                    float[] mask = new float[h * w];
                    place(s.masks()[i], 1, h, w, mask, ox, oy);
                    masks.add(mask);
                }
                double[] a = s.boxes();
                boxes.add(new double[] {a[4 * i] + ox, a[4 * i + 1] + oy, a[4 * i + 2] + ox, a[4 * i + 3] + oy});
                labels.add(s.labels()[i]);
            }
        }
        double[] flat = new double[4 * boxes.size()];
        int[] l = new int[labels.size()];
        for (int i = 0; i < l.length; i++) {
            System.arraycopy(boxes.get(i), 0, flat, 4 * i, 4);
            l[i] = labels.get(i);
        }
        return clip(new Sample(img, c, h, w, flat, l, withMasks ? masks.toArray(new float[0][]) : null));
    }

    /** Copies an {@code H x W} image onto a canvas of the same size with its top-left at {@code (ox, oy)}. */
    private static void place(float[] src, int c, int h, int w, float[] canvas, int ox, int oy) {
        int x0 = Math.max(0, ox);
        int x1 = Math.min(w, ox + w);
        if (x1 <= x0) {
            return;
        }
        for (int ch = 0; ch < c; ch++) {
            for (int y = Math.max(0, oy); y < Math.min(h, oy + h); y++) {
                System.arraycopy(src, (ch * h + y - oy) * w + x0 - ox, canvas, (ch * h + y) * w + x0, x1 - x0);
            }
        }
    }

    /** Clips boxes to the canvas and drops those left too small or mostly outside. */
    static Sample clip(Sample s) {
        List<Integer> keep = new ArrayList<>();
        double[] a = s.boxes();
        double[] b = new double[a.length];
        for (int i = 0; i < s.count(); i++) {
            double area = (a[4 * i + 2] - a[4 * i]) * (a[4 * i + 3] - a[4 * i + 1]);
            double x1 = Math.max(0, a[4 * i]);
            double y1 = Math.max(0, a[4 * i + 1]);
            double x2 = Math.min(s.width(), a[4 * i + 2]);
            double y2 = Math.min(s.height(), a[4 * i + 3]);
            if (x2 - x1 < MIN_SIZE || y2 - y1 < MIN_SIZE || (x2 - x1) * (y2 - y1) < MIN_VISIBLE * area) {
                continue;
            }
            int k = keep.size();
            b[4 * k] = x1;
            b[4 * k + 1] = y1;
            b[4 * k + 2] = x2;
            b[4 * k + 3] = y2;
            keep.add(i);
        }
        double[] boxes = java.util.Arrays.copyOf(b, 4 * keep.size());
        int[] labels = keep.stream().mapToInt(i -> s.labels()[i]).toArray();
        float[][] masks = s.masks() == null ? null : keep.stream().map(i -> s.masks()[i]).toArray(float[][]::new);
        return new Sample(s.image(), s.channels(), s.height(), s.width(), boxes, labels, masks);
    }
}
