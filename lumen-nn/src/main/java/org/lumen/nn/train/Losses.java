package org.lumen.nn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import org.lumen.nn.ops.Scalars;

/** Loss functions with PyTorch's definitions. */
public final class Losses {
    private Losses() {}

    /**
     * {@code F.cross_entropy(logits, target, weight=classWeights, label_smoothing=smoothing)} with mean
     * reduction: with class weights the mean is {@code sum_i w[y_i] l_i / sum_i w[y_i]}, as in PyTorch.
     *
     * @param logits float32 [N, K]
     * @param target int64 [N], values in [0, K)
     * @param classWeights float32 [K] or null
     */
    public static NDArray crossEntropy(NDArray logits, NDArray target, NDArray classWeights, double smoothing) {
        NDArray logp = logits.logSoftmax(1);
        NDArray idx = target.reshape(-1, 1);
        NDArray nll = logp.gather(idx, 1).reshape(-1).neg();
        long k = logits.getShape().get(1);
        if (classWeights == null) {
            NDArray loss = nll;
            if (smoothing > 0) {
                NDArray uniform = logp.mean(new int[] {1}).neg();
                loss = Scalars.mul(nll, 1 - smoothing).add(Scalars.mul(uniform, smoothing));
            }
            return loss.mean();
        }
        NDArray w = classWeights.get(new NDIndex("{}", target));
        NDArray loss = nll.mul(w);
        if (smoothing > 0) {
            // PyTorch weights the smoothing term per class: -sum_c w_c logp_c / K, normalised by sum_i w[y_i]
            NDArray smooth = Scalars.div(logp.mul(classWeights.reshape(1, k)).sum(new int[] {1}).neg(), k);
            loss = Scalars.mul(loss, 1 - smoothing).add(Scalars.mul(smooth, smoothing));
        }
        return loss.sum().div(w.sum());
    }
}
