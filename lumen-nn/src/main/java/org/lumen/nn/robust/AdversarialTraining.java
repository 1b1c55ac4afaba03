package org.lumen.nn.robust;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.lumen.core.LumenException;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.module.Module;
import org.lumen.nn.train.LabeledImages;
import org.lumen.nn.train.TrainingHook;

/**
 * Adversarial training (Madry et al. 2018) for classifiers, as a {@link TrainingHook} on the one training run: each
 * training batch is replaced by its adversarial examples against the network as it is at that step, made by an
 * {@link Attacks} method in pixel units (the normalised batch mapped back to pixels with the model's mean and std,
 * attacked for the batch's own labels, normalised again). The attack runs in inference mode, as torchattacks runs
 * it (its passes leave the batch-norm statistics alone); the step itself then runs in training mode. Each batch's
 * random start is seeded by the run's seed and the batch's number. Augmented pixels outside {@code [0, 1]} are
 * clipped into it by the attack.
 */
public final class AdversarialTraining implements TrainingHook {
    private final String method;
    private final Double eps;
    private final Double alpha;
    private final int steps;
    private final float[] mean;
    private final float[] std;
    private final long seed;
    private long batches;

    /**
     * @param method one of {@link Attacks#methods()}
     * @param eps the attack's eps (null: the method's default), as {@link Attacks.Builder#optEps}
     * @param alpha its step (null: the method's default)
     * @param mean the model's normalisation, per channel (its model.json's)
     * @throws LumenException for an unknown method (the setting {@code adversarial}) or a setting out of range
     *     ({@code eps}, {@code alpha}, {@code steps}), as {@link Attacks.Builder#build}
     */
    public AdversarialTraining(String method, Double eps, Double alpha, int steps, float[] mean, float[] std,
            long seed) {
        this.method = method;
        this.eps = eps;
        this.alpha = alpha;
        this.steps = steps;
        this.mean = mean.clone();
        this.std = std.clone();
        this.seed = seed;
        try {
            Attacks.check(method, eps, alpha, steps); // before any training
        } catch (LumenException e) {
            // the attack's method is this training's setting "adversarial"
            throw e.isSetting() && e.source().equals("method") ? LumenException.setting("adversarial", e.getMessage(), e)
                    : e;
        }
    }

    private Attack attack(PixelModel model, long batch) {
        Attacks.Builder b = Attacks.builder().setModel(model).setMethod(method).optSteps(steps)
                .optSeed(seed * 1_000_003L + batch);
        if (eps != null) {
            b.optEps(eps);
        }
        if (alpha != null) {
            b.optAlpha(alpha);
        }
        return b.build();
    }

    /**
     * {@code model}'s {@link RobustAccuracy} on {@code data} under this training's attack (at its eps, from a
     * random start seeded by the run's seed): what adversarial training raises, for results.csv.
     */
    public double robustAccuracy(Classifier model, LabeledImages data, int batch) {
        double e = Attacks.check(method, eps, alpha, steps)[0];
        return RobustAccuracy.evaluate(model, data, List.of(e), x -> attack(PixelModel.of(model), -1), batch, 0, null)
                .get(0).accuracy();
    }

    @Override
    public NDArray batch(Module net, NDArray input, NDArray labels) {
        if (labels == null || labels.getShape().dimension() != 1) {
            throw LumenException.setting("adversarial", "adversarial training is for classifiers (one label per image)");
        }
        NDManager m = input.getManager();
        Shape per = new Shape(1, mean.length, 1, 1);
        NDArray meanArray = m.create(mean, per);
        NDArray stdArray = m.create(std, per);
        NDArray pixels = input.mul(stdArray).add(meanArray);
        long[] y = labels.toType(DataType.INT64, false).toLongArray();
        int[] targets = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            targets[i] = (int) y[i];
        }
        boolean training = net.isTraining();
        NDArray adv = attack(new PixelModel(net, mean, std), batches++).perturb(pixels, targets);
        net.train(training);
        return adv.sub(meanArray).div(stdArray);
    }
}
