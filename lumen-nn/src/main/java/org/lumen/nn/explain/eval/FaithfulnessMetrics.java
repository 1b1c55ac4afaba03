package org.lumen.nn.explain.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.lumen.core.Require;
import org.lumen.nn.module.Module;

/**
 * How faithful heatmaps are to the model they explain: metrics that perturb the input where the map points
 * and watch the explained class's {@link Score}. All of them run their perturbed images through the model in
 * batches of {@code batchSize}, in inference mode, never holding more than one batch; an image's results do not
 * depend on the other images of the batch.
 *
 * <p>Pixels are ranked by heatmap value, highest first, ties by row-major index (lowest first); removing a pixel
 * removes all its channels. The input is the normalised batch the explainer saw, so "zero" is the dataset's mean
 * colour.
 *
 * <ul>
 *   <li>{@link #deletion}: RISE's deletion curve (Petsiuk et al. 2018). Starting from the image, the next
 *       {@code ceil(H*W / steps)} pixels of the ranking are replaced by the baseline at each step, until none is
 *       left; the baseline is {@link Baseline#ZERO} by default (RISE's {@code torch.zeros_like}) or the
 *       {@link Baseline#BLUR blurred image}. Lower AUC is better.</li>
 *   <li>{@link #insertion}: RISE's insertion curve: starting from the {@link GaussianBlur blurred} image (by
 *       default), the ranked pixels are put back step by step. Higher AUC is better.</li>
 *   <li>{@link #road}: ROAD, removing {@code p%} = {@code round(p/100 * H*W)} pixels most relevant first
 *       (MoRF) and least relevant first (LeRF: the end of the ranking) and imputing them with
 *       {@link NoisyLinearImputer}. Here {@code p} is the percentage removed, as in the ROAD paper;
 *       pytorch-grad-cam's {@code percentile=p} removes the pixels at or above the p-th percentile, i.e.
 *       {@code 100 - p}%, so its averages over the symmetric default set 10..90 equal these.</li>
 *   <li>{@link #confidenceChange}: the score of {@code image * heatmap} against the image's.</li>
 * </ul>
 * Curves' AUC is the trapezoid over the fraction of pixels, from 0 to 1.
 */
public final class FaithfulnessMetrics {
    /** What removed pixels become (deletion) or what insertion starts from. */
    public enum Baseline { ZERO, BLUR }

    /** pytorch-grad-cam's ROAD percentiles. */
    public static final int[] DEFAULT_PERCENTILES = {10, 20, 30, 40, 50, 60, 70, 80, 90};

    private final Score score;
    private final int steps;
    private final Baseline deletionBaseline;
    private final Baseline insertionBaseline;
    private final int[] percentiles;
    private final NoisyLinearImputer imputer;
    private final long seed;
    private final TargetScores scores;

    private FaithfulnessMetrics(Builder b) {
        this.score = b.score;
        this.steps = b.steps;
        this.deletionBaseline = b.deletionBaseline;
        this.insertionBaseline = b.insertionBaseline;
        this.percentiles = b.percentiles.clone();
        this.imputer = new NoisyLinearImputer(b.noise);
        this.seed = b.seed;
        this.scores = new TargetScores(b.model, b.score, b.batchSize);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Score score() {
        return score;
    }

    /** The unmodified images' scores for their targets. */
    public double[] scores(NDArray batch, int[] targets) {
        Input in = new Input(batch, null, targets);
        return scores.run(batch.getManager(), in.shape, in.n, (j, dst, off) -> in.copy(j, dst, off), j -> targets[j]);
    }

    /**
     * Deletion curves.
     *
     * @param batch normalised images, float32 {@code [N, C, H, W]}; read, never modified
     * @param heatmaps one map per image, {@code [N][H * W]}, row-major (e.g. {@code Explanation.heatmap()})
     * @param targets the explained class of each image
     */
    public List<PerturbationCurve> deletion(NDArray batch, float[][] heatmaps, int[] targets) {
        return curves(new Input(batch, heatmaps, targets), true);
    }

    /** Insertion curves; arguments as {@link #deletion}. */
    public List<PerturbationCurve> insertion(NDArray batch, float[][] heatmaps, int[] targets) {
        return curves(new Input(batch, heatmaps, targets), false);
    }

    private List<PerturbationCurve> curves(Input in, boolean deletion) {
        int hw = in.hw;
        int step = (hw + steps - 1) / steps;
        int points = (hw + step - 1) / step + 1;
        Baseline baseline = deletion ? deletionBaseline : insertionBaseline;
        float[][] base = new float[in.n][];
        for (int i = 0; i < in.n; i++) {
            base[i] = baseline == Baseline.ZERO ? new float[in.per] : GaussianBlur.blur(in.image(i), in.c, in.h, in.w);
        }
        double[] s = scores.run(in.manager, in.shape, in.n * points, (j, dst, off) -> {
            int i = j / points;
            int k = Math.min((j % points) * step, hw);
            // deletion: the image with its first k ranked pixels from the baseline; insertion: the reverse
            float[] from = deletion ? in.image(i) : base[i];
            float[] to = deletion ? base[i] : in.image(i);
            System.arraycopy(from, 0, dst, off, in.per);
            int[] order = in.order(i);
            for (int r = 0; r < k; r++) {
                for (int c = 0; c < in.c; c++) {
                    int q = c * hw + order[r];
                    dst[off + q] = to[q];
                }
            }
        }, j -> in.targets[j / points]);
        List<PerturbationCurve> out = new ArrayList<>();
        for (int i = 0; i < in.n; i++) {
            double[] f = new double[points];
            for (int k = 0; k < points; k++) {
                f[k] = Math.min(k * step, hw) / (double) hw;
            }
            double[] y = Arrays.copyOfRange(s, i * points, (i + 1) * points);
            out.add(new PerturbationCurve(f, y, PerturbationCurve.trapezoid(f, y)));
        }
        return List.copyOf(out);
    }

    /** ROAD at this builder's percentiles; arguments as {@link #deletion}. */
    public List<Road> road(NDArray batch, float[][] heatmaps, int[] targets) {
        Input in = new Input(batch, heatmaps, targets);
        int m = percentiles.length;
        int per = 1 + 2 * m; // the original, then MoRF at each percentile, then LeRF
        double[] s = scores.run(in.manager, in.shape, in.n * per, (j, dst, off) -> {
            int i = j / per;
            int k = j % per;
            if (k == 0) {
                in.copy(i, dst, off);
                return;
            }
            boolean morf = k <= m;
            int p = percentiles[(k - 1) % m];
            int count = (int) Math.round(p / 100.0 * in.hw);
            int[] order = in.order(i);
            boolean[] removed = new boolean[in.hw];
            for (int r = 0; r < count; r++) {
                removed[morf ? order[r] : order[in.hw - 1 - r]] = true;
            }
            Random random = new Random(seed * 1_000_003L + p * 2L + (morf ? 0 : 1));
            float[] imputed = imputer.impute(in.image(i), in.c, in.h, in.w, removed, random);
            System.arraycopy(imputed, 0, dst, off, in.per);
        }, j -> in.targets[j / per]);
        List<Road> out = new ArrayList<>();
        for (int i = 0; i < in.n; i++) {
            double original = s[i * per];
            double[] morf = new double[m];
            double[] lerf = new double[m];
            for (int k = 0; k < m; k++) {
                morf[k] = s[i * per + 1 + k] - original;
                lerf[k] = s[i * per + 1 + m + k] - original;
            }
            out.add(new Road(percentiles.clone(), morf, lerf, original));
        }
        return List.copyOf(out);
    }

    /** The score of {@code image * heatmap} against the image's; arguments as {@link #deletion}. */
    public List<ConfidenceChange> confidenceChange(NDArray batch, float[][] heatmaps, int[] targets) {
        Input in = new Input(batch, heatmaps, targets);
        double[] s = scores.run(in.manager, in.shape, in.n * 2, (j, dst, off) -> {
            int i = j / 2;
            in.copy(i, dst, off);
            if (j % 2 == 1) {
                float[] h = heatmaps[i];
                for (int c = 0; c < in.c; c++) {
                    for (int p = 0; p < in.hw; p++) {
                        dst[off + c * in.hw + p] *= h[p];
                    }
                }
            }
        }, j -> in.targets[j / 2]);
        List<ConfidenceChange> out = new ArrayList<>();
        for (int i = 0; i < in.n; i++) {
            out.add(new ConfidenceChange(s[2 * i], s[2 * i + 1]));
        }
        return List.copyOf(out);
    }

    /** Pixel indices by heatmap value, highest first, ties by index. */
    static int[] ranking(float[] heatmap) {
        Integer[] idx = new Integer[heatmap.length];
        for (int p = 0; p < idx.length; p++) {
            idx[p] = p;
        }
        Arrays.sort(idx, (a, b) -> {
            int c = Float.compare(heatmap[b], heatmap[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] out = new int[idx.length];
        for (int p = 0; p < out.length; p++) {
            out[p] = idx[p];
        }
        return out;
    }

    /** The batch as checked float arrays, with each image's ranking computed once. */
    private static final class Input {
        final ai.djl.ndarray.NDManager manager;
        final int n;
        final int c;
        final int h;
        final int w;
        final int hw;
        final int per;
        final Shape shape;
        final int[] targets;
        private final float[] values;
        private final float[][] heatmaps;
        private final int[][] orders;

        Input(NDArray batch, float[][] heatmaps, int[] targets) {
            Shape s = batch.getShape();
            if (s.dimension() != 4 || batch.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("batch must be float32 [N, C, H, W], got " + batch.getDataType()
                        + " " + s);
            }
            manager = batch.getManager();
            n = (int) s.get(0);
            c = (int) s.get(1);
            h = (int) s.get(2);
            w = (int) s.get(3);
            hw = h * w;
            per = c * hw;
            shape = new Shape(c, h, w);
            if (targets == null || targets.length != n) {
                throw new IllegalArgumentException((targets == null ? "no" : targets.length) + " targets for " + n
                        + " images");
            }
            if (heatmaps != null) {
                if (heatmaps.length != n) {
                    throw new IllegalArgumentException(heatmaps.length + " heatmaps for " + n + " images");
                }
                for (float[] m : heatmaps) {
                    if (m.length != hw) {
                        throw new IllegalArgumentException("a heatmap has " + m.length + " values for " + h + "x" + w
                                + " images");
                    }
                }
            }
            this.targets = targets.clone();
            this.values = batch.toFloatArray();
            this.heatmaps = heatmaps;
            this.orders = new int[n][];
        }

        float[] image(int i) {
            return Arrays.copyOfRange(values, i * per, (i + 1) * per);
        }

        void copy(int i, float[] dst, int off) {
            System.arraycopy(values, i * per, dst, off, per);
        }

        int[] order(int i) {
            if (orders[i] == null) {
                orders[i] = ranking(heatmaps[i]);
            }
            return orders[i];
        }
    }

    /** Builds the metrics; {@code setModel} is required. */
    public static final class Builder {
        private Module model;
        private Score score = Score.PROBABILITY;
        private int steps = 50;
        private Baseline deletionBaseline = Baseline.ZERO;
        private Baseline insertionBaseline = Baseline.BLUR;
        private int[] percentiles = DEFAULT_PERCENTILES;
        private double noise = NoisyLinearImputer.DEFAULT_NOISE;
        private long seed;
        private int batchSize = 64;

        /** A module from {@code [N, C, H, W]} normalised images to {@code [N, K]} logits. */
        public Builder setModel(Module model) {
            this.model = model;
            return this;
        }

        /** What is read for the target class (default {@link Score#PROBABILITY}). */
        public Builder optScore(Score score) {
            this.score = score;
            return this;
        }

        /** Steps of the deletion and insertion curves (default 50): {@code ceil(H*W / steps)} pixels each. */
        public Builder optSteps(int steps) {
            this.steps = Require.atLeast("steps", steps, 1);
            return this;
        }

        /** What deleted pixels become (default {@link Baseline#ZERO}, as RISE). */
        public Builder optDeletionBaseline(Baseline baseline) {
            this.deletionBaseline = baseline;
            return this;
        }

        /** What insertion starts from (default {@link Baseline#BLUR}, as RISE). */
        public Builder optInsertionBaseline(Baseline baseline) {
            this.insertionBaseline = baseline;
            return this;
        }

        /** ROAD's percentages of removed pixels, each in (0, 100) (default 10, 20, ..., 90). */
        public Builder optRoadPercentiles(int... percentiles) {
            if (percentiles.length == 0) {
                throw new IllegalArgumentException("at least one ROAD percentile is needed");
            }
            for (int p : percentiles) {
                if (p <= 0 || p >= 100) {
                    throw new IllegalArgumentException("ROAD percentiles must be between 1 and 99, got " + p);
                }
            }
            this.percentiles = percentiles.clone();
            return this;
        }

        /** The imputation's noise (default 0.01, pytorch-grad-cam's). */
        public Builder optNoise(double noise) {
            this.noise = noise;
            return this;
        }

        /** Seeds the imputation's noise (default 0). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Perturbed images per forward pass (default 64). */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = Require.atLeast("batch size", batchSize, 1);
            return this;
        }

        public FaithfulnessMetrics build() {
            if (model == null) {
                throw new IllegalStateException("setModel is required");
            }
            new NoisyLinearImputer(noise); // checks it
            return new FaithfulnessMetrics(this);
        }
    }
}
