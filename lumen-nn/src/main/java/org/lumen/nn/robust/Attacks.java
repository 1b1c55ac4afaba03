package org.lumen.nn.robust;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.lumen.core.LumenException;
import org.lumen.nn.models.backbone.Backbones;

/**
 * The attacks by name, each as torchattacks computes it (images in {@code [0, 1]}, the model normalising, the
 * cross-entropy loss, every update clipped back to the pixel range):
 *
 * <ul>
 *   <li>{@code fgsm} (Goodfellow et al. 2015): {@code x + eps * sign(grad)}.</li>
 *   <li>{@code pgd} (Madry et al. 2018, L-inf): from {@code x} (or, with a random start, {@code x} plus uniform
 *       noise in {@code [-eps, eps]}, clipped), {@code steps} times {@code x' + alpha * sign(grad)}, the
 *       perturbation clipped to {@code [-eps, eps]} and the image to {@code [0, 1]}.</li>
 *   <li>{@code pgd-l2}: the same under the L2 norm: steps along {@code grad / (||grad|| + 1e-10)}, the perturbation
 *       scaled back onto the ball of radius {@code eps}; a random start draws a Gaussian direction scaled to a
 *       uniform share of {@code eps}.</li>
 * </ul>
 *
 * Targeted attacks ({@code optTargeted}) descend the loss of their label instead of ascending it. Defaults as
 * torchattacks': eps 8/255, alpha 2/255, 10 steps, random start on (L-inf); for pgd-l2 eps 1.0, alpha 0.2.
 */
public final class Attacks {
    private static final List<String> METHODS = List.of("fgsm", "pgd", "pgd-l2");

    private Attacks() {}

    /** Every method name. */
    public static List<String> methods() {
        return METHODS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What an attack is made of. */
    public static final class Builder {
        private PixelModel model;
        private String method;
        private Double eps;
        private Double alpha;
        private int steps = 10;
        private boolean randomStart = true;
        private boolean targeted;
        private long seed;

        private Builder() {}

        /** The classifier, seen in pixel space. Required. */
        public Builder setModel(PixelModel model) {
            this.model = model;
            return this;
        }

        /** One of {@link #methods()}, in any case. Required. */
        public Builder setMethod(String method) {
            this.method = method.toLowerCase(Locale.ROOT);
            return this;
        }

        /** The perturbation's largest norm, in pixel units of {@code [0, 1]} (default 8/255; pgd-l2: 1.0). */
        public Builder optEps(double eps) {
            this.eps = eps;
            return this;
        }

        /** PGD's step size (default 2/255; pgd-l2: 0.2). */
        public Builder optAlpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        /** PGD's steps (default 10). */
        public Builder optSteps(int steps) {
            this.steps = steps;
            return this;
        }

        /** PGD starts from a random point of the eps-ball (default true, as torchattacks). */
        public Builder optRandomStart(boolean randomStart) {
            this.randomStart = randomStart;
            return this;
        }

        /** Move each image towards its label rather than away from it (default false). */
        public Builder optTargeted(boolean targeted) {
            this.targeted = targeted;
            return this;
        }

        /** Seeds the random start (default 0). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @throws LumenException for an unknown method (naming the close ones) or a setting out of range (each by
         *     its name: {@code eps}, {@code alpha}, {@code steps})
         */
        public Attack build() {
            if (model == null || method == null) {
                throw new IllegalStateException("setModel and setMethod are required");
            }
            double[] ea = check(method, eps, alpha, steps);
            float e = (float) ea[0];
            float a = (float) ea[1];
            return switch (method) {
                case "fgsm" -> new Pgd(model, method, e, e, 1, false, false, targeted, seed);
                case "pgd" -> new Pgd(model, method, e, a, steps, randomStart, false, targeted, seed);
                default -> new Pgd(model, method, e, a, steps, randomStart, true, targeted, seed);
            };
        }
    }

    /**
     * The settings of an attack checked, with its defaults filled in: {eps, alpha}.
     *
     * @param eps null for the method's default
     * @param alpha null for the method's default
     * @throws LumenException for an unknown method (naming the close ones) or a setting out of range (each by its
     *     name: {@code eps}, {@code alpha}, {@code steps})
     */
    static double[] check(String method, Double eps, Double alpha, int steps) {
        String m = method.toLowerCase(Locale.ROOT);
        if (!METHODS.contains(m)) {
            throw LumenException.setting("method", "unknown attack '" + method + "'"
                    + Backbones.suggest(m, METHODS) + "; attacks: " + String.join(", ", METHODS));
        }
        boolean l2 = m.equals("pgd-l2");
        double e = eps != null ? eps : l2 ? 1.0 : 8 / 255.0;
        double a = alpha != null ? alpha : l2 ? 0.2 : 2 / 255.0;
        if (!(e >= 0) || Double.isInfinite(e)) {
            throw LumenException.setting("eps", "must be a finite number >= 0, got " + e);
        }
        if (!(a > 0) || Double.isInfinite(a)) {
            throw LumenException.setting("alpha", "must be a finite number > 0, got " + a);
        }
        if (steps < 1 || steps > 10_000) {
            throw LumenException.setting("steps", "must be between 1 and 10000, got " + steps);
        }
        return new double[] {e, a};
    }

    /**
     * FGSM and PGD in one loop (FGSM is one step of size eps without a random start). The arithmetic is torchattacks'
     * in float32, in its order: {@code adv = adv + alpha * sign(g)}, {@code delta = clamp(adv - x, -eps, eps)},
     * {@code adv = clamp(x + delta, 0, 1)}.
     */
    private record Pgd(PixelModel model, String method, float eps, float alpha, int steps, boolean randomStart,
            boolean l2, boolean targeted, long seed) implements Attack {
        @Override
        public NDArray perturb(NDArray images, int[] labels) {
            float[] x = images.toFloatArray();
            int n = (int) images.getShape().get(0);
            int per = x.length / Math.max(1, n);
            float[] adv = x.clone();
            if (randomStart) {
                start(adv, x, n, per);
            }
            for (int s = 0; s < steps; s++) {
                float[] g;
                try (NDArray in = images.getManager().create(adv, images.getShape())) {
                    g = model.lossGradient(in, labels, targeted);
                }
                if (l2) {
                    stepL2(adv, x, g, n, per);
                } else {
                    stepLinf(adv, x, g);
                }
            }
            return images.getManager().create(adv, images.getShape());
        }

        private void stepLinf(float[] adv, float[] x, float[] g) {
            if (method.equals("fgsm")) { // torchattacks' FGSM: clamp(x + eps * sign(g), 0, 1), no projection step
                for (int i = 0; i < adv.length; i++) {
                    adv[i] = Math.min(Math.max(x[i] + eps * Math.signum(g[i]), 0f), 1f);
                }
                return;
            }
            for (int i = 0; i < adv.length; i++) {
                float a = adv[i] + alpha * Math.signum(g[i]);
                float delta = Math.min(Math.max(a - x[i], -eps), eps);
                adv[i] = Math.min(Math.max(x[i] + delta, 0f), 1f);
            }
        }

        private void stepL2(float[] adv, float[] x, float[] g, int n, int per) {
            for (int b = 0; b < n; b++) {
                int o = b * per;
                float gn = (float) (norm(g, o, per) + 1e-10);
                for (int i = o; i < o + per; i++) {
                    adv[i] = adv[i] + alpha * (g[i] / gn);
                }
                project(adv, x, o, per);
            }
        }

        /** The perturbation at {@code [o, o + per)} scaled onto the eps-ball (if outside), the image clipped. */
        private void project(float[] adv, float[] x, int o, int per) {
            float[] delta = new float[per];
            for (int i = 0; i < per; i++) {
                delta[i] = adv[o + i] - x[o + i];
            }
            float dn = (float) norm(delta, 0, per);
            float factor = Math.min(eps / dn, 1f); // eps / 0 is +inf: no scaling, as torch.min gives
            for (int i = 0; i < per; i++) {
                adv[o + i] = Math.min(Math.max(x[o + i] + delta[i] * factor, 0f), 1f);
            }
        }

        private void start(float[] adv, float[] x, int n, int per) {
            SplittableRandom random = new SplittableRandom(seed);
            if (!l2) {
                for (int i = 0; i < adv.length; i++) {
                    adv[i] = Math.min(Math.max(x[i] + (float) (random.nextDouble() * 2 - 1) * eps, 0f), 1f);
                }
                return;
            }
            for (int b = 0; b < n; b++) {
                int o = b * per;
                float[] d = new float[per];
                for (int i = 0; i < per; i++) {
                    d[i] = (float) gaussian(random);
                }
                float scale = (float) (random.nextDouble() / norm(d, 0, per) * eps);
                for (int i = 0; i < per; i++) {
                    adv[o + i] = Math.min(Math.max(x[o + i] + d[i] * scale, 0f), 1f);
                }
            }
        }

        private static double gaussian(SplittableRandom r) {
            double u;
            do {
                u = r.nextDouble();
            } while (u == 0);
            return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
        }

        private static double norm(float[] v, int o, int len) {
            double s = 0;
            for (int i = o; i < o + len; i++) {
                s += (double) v[i] * v[i];
            }
            return Math.sqrt(s);
        }
    }
}
