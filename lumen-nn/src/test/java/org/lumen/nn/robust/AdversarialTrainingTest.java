package org.lumen.nn.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lumen.core.LumenException;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.model.ModelInfo;

/**
 * {@link AdversarialTraining} as the training loop sees it: the batch it hands back is, in pixels, inside the
 * eps-ball of the clean batch and the pixel range, raises the network's loss on the batch's labels, and leaves the
 * network in the mode it found it with its parameters still trainable; it refuses a batch without class labels.
 */
class AdversarialTrainingTest {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    @Test
    void theAdversarialBatchStaysInTheBallRaisesTheLossAndLeavesTheNetTrainable() {
        ModelInfo info = new ModelInfo("classify", "resnet18", java.util.List.of("a", "b", "c"), 32, 3, MEAN, STD, null);
        try (Classifier model = Classifier.create(info, 5); NDManager m = model.manager().newSubManager()) {
            int n = 4;
            int per = 3 * 32 * 32;
            float[] pixels = new float[n * per];
            SplittableRandom r = new SplittableRandom(1);
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (float) r.nextDouble();
            }
            float[] normalised = pixels.clone();
            for (int i = 0; i < pixels.length; i++) {
                int ch = (i / (32 * 32)) % 3;
                normalised[i] = (pixels[i] - MEAN[ch]) / STD[ch];
            }
            NDArray input = m.create(normalised, new Shape(n, 3, 32, 32));
            NDArray labels = m.create(new long[] {0, 1, 2, 1});
            model.net().train(true);
            var weights = model.net().trainableParameters();
            weights.forEach(w -> w.getValue().value().setRequiresGradient(true)); // as an optimiser has them
            double eps = 4 / 255.0;
            NDArray adv = new AdversarialTraining("pgd", eps, 1 / 255.0, 5, MEAN, STD, 0).batch(model.net(), input,
                    labels);
            assertTrue(model.net().isTraining(), "back in training mode for the step");
            weights.forEach(w -> assertTrue(w.getValue().value().hasGradient(), w.getKey() + " still trains"));
            float[] a = adv.toFloatArray();
            double linf = 0;
            for (int i = 0; i < a.length; i++) {
                int ch = (i / (32 * 32)) % 3;
                double px = a[i] * STD[ch] + MEAN[ch];
                assertTrue(px >= -1e-6 && px <= 1 + 1e-6, "pixel range: " + px);
                linf = Math.max(linf, Math.abs(px - pixels[i]));
            }
            assertTrue(linf <= eps + 1e-5, "inside the eps-ball: " + linf);
            assertTrue(linf >= eps / 2, "and it moved: " + linf);
            PixelModel pm = PixelModel.of(model);
            double clean = loss(pm.predict(m.create(pixels, new Shape(n, 3, 32, 32))), new int[] {0, 1, 2, 1});
            float[] advPixels = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                int ch = (i / (32 * 32)) % 3;
                advPixels[i] = a[i] * STD[ch] + MEAN[ch];
            }
            double attacked = loss(pm.predict(m.create(advPixels, new Shape(n, 3, 32, 32))), new int[] {0, 1, 2, 1});
            assertTrue(attacked > clean, "PGD raises the loss: " + clean + " -> " + attacked);
            model.net().train(true);
        }
    }

    @Test
    void refusesABatchWithoutClassLabelsAndBadSettings() {
        AdversarialTraining hook = new AdversarialTraining("fgsm", null, null, 1, MEAN, STD, 0);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(1, 3, 4, 4));
            LumenException e = assertThrows(LumenException.class, () -> hook.batch(null, x, null));
            assertEquals("adversarial", e.source());
            LumenException maps = assertThrows(LumenException.class, () -> hook.batch(null, x,
                    m.zeros(new Shape(1, 4, 4))));
            assertEquals("adversarial", maps.source());
        }
        assertEquals("eps", assertThrows(LumenException.class, () -> new AdversarialTraining("pgd", -1.0, null, 7,
                MEAN, STD, 0)).source());
        assertEquals("adversarial", assertThrows(LumenException.class, () -> new AdversarialTraining("pgdd", null, null, 7,
                MEAN, STD, 0)).source());
    }

    /** Mean cross-entropy of logit rows against labels, in double precision. */
    private static double loss(float[][] logits, int[] labels) {
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (float v : logits[i]) {
                max = Math.max(max, v);
            }
            double z = 0;
            for (float v : logits[i]) {
                z += Math.exp(v - max);
            }
            sum += Math.log(z) + max - logits[i][labels[i]];
        }
        return sum / logits.length;
    }
}
