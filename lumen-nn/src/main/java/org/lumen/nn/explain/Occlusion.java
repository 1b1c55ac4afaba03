package org.lumen.nn.explain;

import java.util.ArrayList;
import java.util.List;
import org.lumen.core.LumenException;

/**
 * Occlusion (Zeiler and Fergus 2014), as Captum's {@code Occlusion} with a zero baseline over all channels: for each
 * position of a {@code window x window} patch (default 8) moved by {@code stride} (default 4), the drop
 * {@code F(x) - F(x with the patch set to 0)} given to the patch's pixels, averaged over the patches covering each
 * pixel (0 where none does). The occluded images run {@code batchSize} at a time.
 */
final class Occlusion extends Attribution {
    private final int window;
    private final int stride;
    private final int batchSize;

    Occlusion(AttributionBuilder b) {
        super(b);
        this.window = b.window;
        this.stride = b.stride;
        this.batchSize = b.batchSize;
    }

    @Override
    Attribution.Result attribute(Pixels image) {
        int c = image.c;
        int h = image.h;
        int w = image.w;
        float[] x = image.x;
        if (window > Math.min(h, w)) {
            throw LumenException.setting("window", "must be at most the input size " + Math.min(h, w) + ", got "
                    + window);
        }
        List<int[]> positions = new ArrayList<>();
        for (int y = 0; y + window <= h; y += stride) {
            for (int xx = 0; xx + window <= w; xx += stride) {
                positions.add(new int[] {y, xx});
            }
        }
        double[] sum = new double[h * w];
        int[] count = new int[h * w];
        for (int from = 0; from < positions.size(); from += batchSize) {
            List<int[]> chunk = positions.subList(from, Math.min(positions.size(), from + batchSize));
            float[] stack = new float[chunk.size() * x.length];
            for (int q = 0; q < chunk.size(); q++) {
                int[] pos = chunk.get(q);
                float[] occluded = x.clone();
                for (int ch = 0; ch < c; ch++) {
                    for (int y = pos[0]; y < pos[0] + window; y++) {
                        for (int xx = pos[1]; xx < pos[1] + window; xx++) {
                            occluded[(ch * h + y) * w + xx] = 0;
                        }
                    }
                }
                System.arraycopy(occluded, 0, stack, q * x.length, x.length);
            }
            float[][] l = image.logits(stack, chunk.size());
            for (int q = 0; q < chunk.size(); q++) {
                int[] pos = chunk.get(q);
                double drop = image.score - l[q][image.target];
                for (int y = pos[0]; y < pos[0] + window; y++) {
                    for (int xx = pos[1]; xx < pos[1] + window; xx++) {
                        sum[y * w + xx] += drop;
                        count[y * w + xx]++;
                    }
                }
            }
        }
        float[] out = new float[h * w];
        for (int p = 0; p < out.length; p++) {
            out[p] = count[p] == 0 ? 0 : (float) (sum[p] / count[p]);
        }
        return image.result(out, Double.NaN);
    }
}
