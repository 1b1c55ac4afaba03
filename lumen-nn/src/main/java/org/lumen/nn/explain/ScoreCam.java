package org.lumen.nn.explain;

/**
 * Score-CAM (Wang et al. 2020), as pytorch-grad-cam's {@code ScoreCAM}: each channel of {@code A}, upsampled to
 * the input ({@code UpsamplingBilinear2d}, i.e. {@code align_corners=True}) and min-max normalised per channel
 * ({@code (u - min) / (max - min + 1e-8)}), masks the input; the masked images' target logits, softmaxed over
 * the channels, are the weights. No gradients.
 *
 * <p>Cost: {@code C} extra forward passes per image and layer ({@code C} = the layer's channels, 512 for
 * resnet18's {@code layer4}), run {@code optBatchSize} at a time, after the one shared capture pass.
 */
final class ScoreCam extends GradientFreeCam {
    static final double MASK_EPS = 1e-8;

    ScoreCam(Settings settings) {
        super(settings);
    }

    @Override
    protected double[][] weights(Capture a) {
        int size = (int) a.imageShape().size();
        int inC = (int) a.imageShape().get(0);
        int height = (int) a.imageShape().get(1);
        int width = (int) a.imageShape().get(2);
        int plane = height * width;
        int batch = settings().batchSize();
        double[][] w = new double[a.n][a.c];
        for (int i = 0; i < a.n; i++) {
            float[] img = a.image(i);
            for (int c0 = 0; c0 < a.c; c0 += batch) {
                int rows = Math.min(batch, a.c - c0);
                float[] masked = new float[rows * size];
                for (int r = 0; r < rows; r++) {
                    float[] mask = upsampleAlignCorners(a.activations, a.offset(i, c0 + r), a.h, a.w, height, width);
                    float min = Float.POSITIVE_INFINITY;
                    float max = Float.NEGATIVE_INFINITY;
                    for (float v : mask) {
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                    float div = (float) (max - min + MASK_EPS);
                    for (int ch = 0; ch < inC; ch++) {
                        for (int p = 0; p < plane; p++) {
                            masked[r * size + ch * plane + p] = img[ch * plane + p] * ((mask[p] - min) / div);
                        }
                    }
                }
                float[] s = a.targetScores(masked, rows, a.targets[i]);
                for (int r = 0; r < rows; r++) {
                    w[i][c0 + r] = s[r];
                }
            }
            softmax(w[i]);
        }
        return w;
    }

    private static void softmax(double[] v) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            max = Math.max(max, x);
        }
        double sum = 0;
        for (int k = 0; k < v.length; k++) {
            v[k] = Math.exp(v[k] - max);
            sum += v[k];
        }
        for (int k = 0; k < v.length; k++) {
            v[k] /= sum;
        }
    }

    /** Bilinear resize of one {@code h x w} plane (at {@code off} in {@code src}) with {@code align_corners=True}. */
    static float[] upsampleAlignCorners(float[] src, int off, int h, int w, int height, int width) {
        float[] out = new float[height * width];
        for (int y = 0; y < height; y++) {
            double sy = height > 1 ? y * (double) (h - 1) / (height - 1) : 0;
            int y0 = (int) sy;
            int y1 = Math.min(y0 + 1, h - 1);
            double fy = sy - y0;
            for (int x = 0; x < width; x++) {
                double sx = width > 1 ? x * (double) (w - 1) / (width - 1) : 0;
                int x0 = (int) sx;
                int x1 = Math.min(x0 + 1, w - 1);
                double fx = sx - x0;
                double top = src[off + y0 * w + x0] * (1 - fx) + src[off + y0 * w + x1] * fx;
                double bottom = src[off + y1 * w + x0] * (1 - fx) + src[off + y1 * w + x1] * fx;
                out[y * width + x] = (float) (top * (1 - fy) + bottom * fy);
            }
        }
        return out;
    }
}
