package org.lumen.nn.module;

import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * How a parameter starts: torchvision's initialisers, computed in Java from a seeded generator so that the
 * same seed gives the same model on every machine.
 */
@FunctionalInterface
public interface Init {
    /** Fills a new C-order array of {@code shape.size()} values. */
    float[] values(Shape shape, SplittableRandom random);

    static Init constant(float c) {
        return (shape, random) -> {
            float[] v = new float[Math.toIntExact(shape.size())];
            java.util.Arrays.fill(v, c);
            return v;
        };
    }

    Init ZEROS = constant(0f);
    Init ONES = constant(1f);

    /** Normal(0, std). */
    static Init normal(double std) {
        return (shape, random) -> {
            float[] v = new float[Math.toIntExact(shape.size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (gaussian(random) * std);
            }
            return v;
        };
    }

    /** Uniform(-bound, bound). */
    static Init uniform(double bound) {
        return (shape, random) -> {
            float[] v = new float[Math.toIntExact(shape.size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
            }
            return v;
        };
    }

    /** {@code kaiming_normal_(mode="fan_out", nonlinearity="relu")}: std = sqrt(2 / fan_out), torchvision's conv init. */
    static Init kaimingNormalFanOut() {
        return (shape, random) -> normal(Math.sqrt(2.0 / fanOut(shape))).values(shape, random);
    }

    /**
     * {@code kaiming_normal_} with PyTorch's defaults (fan_in, gain sqrt(2) for a = 0): std = sqrt(2 / fan_in),
     * DenseNet's convolution init.
     */
    static Init kaimingNormalFanIn() {
        return (shape, random) -> normal(Math.sqrt(2.0 / fanIn(shape))).values(shape, random);
    }

    /**
     * {@code kaiming_uniform_} with PyTorch's defaults (fan_in, gain sqrt(2) for a = 0): Uniform(±sqrt(6 / fan_in)),
     * SqueezeNet's convolution init.
     */
    static Init kaimingUniformFanIn() {
        return (shape, random) -> uniform(Math.sqrt(6.0 / fanIn(shape))).values(shape, random);
    }

    /** PyTorch's default for Linear and Conv weights and biases: Uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
    static Init torchDefault(long fanIn) {
        return uniform(1.0 / Math.sqrt(fanIn));
    }

    /**
     * {@code trunc_normal_(std=std)} (ConvNeXt's init): Normal(0, std) cut to torch's default bounds [-2, 2], by
     * rejection. The bounds are absolute values, not multiples of std as one might expect: for std 0.02 they are
     * never reached, and the distribution is Normal(0, std) itself.
     */
    static Init truncatedNormal(double std) {
        return (shape, random) -> {
            float[] v = new float[Math.toIntExact(shape.size())];
            for (int i = 0; i < v.length; i++) {
                double g;
                do {
                    g = gaussian(random) * std;
                } while (Math.abs(g) > 2);
                v[i] = (float) g;
            }
            return v;
        };
    }

    /** fan_in of a weight shaped like torch's: dim 1 times the receptive field. */
    static long fanIn(Shape shape) {
        return shape.dimension() < 2 ? shape.get(0) : shape.get(1) * receptive(shape);
    }

    /** fan_out of a weight shaped like torch's: dim 0 times the receptive field. */
    static long fanOut(Shape shape) {
        return shape.get(0) * receptive(shape);
    }

    private static long receptive(Shape shape) {
        long r = 1;
        for (int i = 2; i < shape.dimension(); i++) {
            r *= shape.get(i);
        }
        return r;
    }

    /** Box-Muller: SplittableRandom has no nextGaussian before Java 17's RandomGenerator default. */
    private static double gaussian(SplittableRandom random) {
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
