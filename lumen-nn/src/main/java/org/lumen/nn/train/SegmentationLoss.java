package org.lumen.nn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.LumenException;
import org.lumen.nn.ops.Functional;
import org.lumen.nn.ops.Scalars;

/**
 * Losses for dense prediction, on logits {@code float32 [N, K, H, W]} and targets {@code int64 [N, H, W]} of class
 * indices. With K >= 2 the classes compete (softmax); with K = 1 the channel is a foreground logit (sigmoid) and
 * targets are 0 or 1. A loss is a sum of terms named in a spec such as {@code ce+dice}:
 * <ul>
 * <li>{@code ce}: {@code F.cross_entropy(logits, target, weight=classWeights)} (mean over pixels, weighted
 *     as PyTorch weights it); for K = 1, {@code F.binary_cross_entropy_with_logits}.</li>
 * <li>{@code dice}: soft Dice over the batch, {@link #dice}.</li>
 * <li>{@code focal}: for K = 1 {@code torchvision.ops.sigmoid_focal_loss} (alpha 0.25, gamma 2, mean); for
 *     K >= 2 the softmax focal loss {@link #softmaxFocal} with gamma 2 and the class weights as alpha.</li>
 * </ul>
 */
public final class SegmentationLoss {
    public static final List<String> TERMS = List.of("ce", "dice", "focal");
    /** The Dice loss's smoothing term, added to numerator and denominator. */
    public static final double DICE_SMOOTH = 1.0;
    public static final double FOCAL_GAMMA = 2.0;
    public static final double FOCAL_ALPHA = 0.25;

    private final List<String> terms;

    private SegmentationLoss(List<String> terms) {
        this.terms = List.copyOf(terms);
    }

    /** Parses {@code ce}, {@code dice+ce}, ...; a fault is a {@link LumenException} on {@code loss}. */
    public static SegmentationLoss parse(String spec) {
        List<String> terms = new ArrayList<>();
        for (String t : spec.split("\\+", -1)) {
            String term = t.trim();
            if (!TERMS.contains(term) || terms.contains(term)) {
                throw LumenException.setting("loss", "'" + spec + "': terms must be distinct, from " + String.join(", ", TERMS)
                        + ", joined by + (e.g. ce+dice)");
            }
            terms.add(term);
        }
        return new SegmentationLoss(terms);
    }

    public String spec() {
        return String.join("+", terms);
    }

    /**
     * The sum of the terms.
     *
     * @param classWeights float32 [K] or null (used by {@code ce}, and as {@code focal}'s alpha for K >= 2)
     */
    public NDArray apply(NDArray logits, NDArray target, NDArray classWeights) {
        NDArray total = null;
        for (String t : terms) {
            NDArray l = switch (t) {
                case "ce" -> crossEntropy(logits, target, classWeights);
                case "dice" -> dice(logits, target, DICE_SMOOTH);
                default -> logits.getShape().get(1) == 1
                        ? sigmoidFocal(logits, target.expandDims(1).toType(DataType.FLOAT32, false), FOCAL_ALPHA, FOCAL_GAMMA)
                        : softmaxFocal(logits, target, classWeights, FOCAL_GAMMA);
            };
            total = total == null ? l : total.add(l);
        }
        return total;
    }

    /** {@code F.cross_entropy} per pixel (K >= 2), or binary cross-entropy with logits (K = 1); mean reduction. */
    public static NDArray crossEntropy(NDArray logits, NDArray target, NDArray classWeights) {
        long k = logits.getShape().get(1);
        if (k == 1) {
            return bceWithLogits(logits, target.expandDims(1).toType(DataType.FLOAT32, false)).mean();
        }
        NDArray flat = logits.transpose(0, 2, 3, 1).reshape(-1, k);
        return Losses.crossEntropy(flat, target.reshape(-1), classWeights, 0);
    }

    /**
     * Soft Dice loss: with p the softmax (sigmoid for K = 1) probabilities and t the one-hot targets, per class c
     * over the whole batch {@code D_c = (2 sum p_c t_c + smooth) / (sum p_c + sum t_c + smooth)}, and the loss is
     * {@code 1 - mean_c D_c} over all K classes (for K = 1 the foreground alone). A class absent from both
     * prediction and truth scores D_c = 1 through the smoothing term.
     */
    public static NDArray dice(NDArray logits, NDArray target, double smooth) {
        long k = logits.getShape().get(1);
        NDArray p;
        NDArray t;
        if (k == 1) {
            p = Functional.sigmoid(logits);
            t = target.expandDims(1).toType(DataType.FLOAT32, false);
        } else {
            p = logits.softmax(1);
            t = target.oneHot((int) k).toType(DataType.FLOAT32, false).transpose(0, 3, 1, 2);
        }
        NDArray pc = p.transpose(1, 0, 2, 3).reshape(k, -1);
        NDArray tc = t.transpose(1, 0, 2, 3).reshape(k, -1);
        NDArray inter = pc.mul(tc).sum(new int[] {1});
        NDArray card = pc.sum(new int[] {1}).add(tc.sum(new int[] {1}));
        NDArray d = Scalars.mul(inter, 2).add(smooth).div(card.add(smooth));
        return d.mean().neg().add(1);
    }

    /**
     * {@code torchvision.ops.sigmoid_focal_loss(logits, targets, alpha, gamma, reduction="mean")}: binary
     * cross-entropy scaled by {@code (1 - p_t)^gamma} and, when {@code alpha >= 0}, by
     * {@code alpha t + (1 - alpha)(1 - t)}.
     *
     * @param targets float32 of the logits' shape, values in [0, 1]
     */
    public static NDArray sigmoidFocal(NDArray logits, NDArray targets, double alpha, double gamma) {
        NDArray p = Functional.sigmoid(logits);
        NDArray ce = bceWithLogits(logits, targets);
        NDArray pt = p.mul(targets).add(p.neg().add(1).mul(targets.neg().add(1)));
        NDArray loss = ce.mul(Scalars.pow(pt.neg().add(1), gamma));
        if (alpha >= 0) {
            loss = loss.mul(targets.mul(alpha).add(targets.neg().add(1).mul(1 - alpha)));
        }
        return loss.mean();
    }

    /**
     * Softmax focal loss (Lin et al. 2017, multi-class form): per pixel {@code -alpha_y (1 - p_y)^gamma log p_y}
     * with y the true class and p the softmax, averaged over all pixels; {@code alpha} float32 [K], or null for
     * 1.
     */
    public static NDArray softmaxFocal(NDArray logits, NDArray target, NDArray alpha, double gamma) {
        NDArray logp = logits.logSoftmax(1);
        NDArray logpt = logp.gather(target.expandDims(1), 1).squeeze(1);
        NDArray pt = logpt.exp();
        NDArray loss = logpt.mul(Scalars.pow(pt.neg().add(1), gamma)).neg();
        if (alpha != null) {
            loss = loss.mul(alpha.get(new ai.djl.ndarray.index.NDIndex("{}", target.reshape(-1)))
                    .reshape(target.getShape()));
        }
        return loss.mean();
    }

    /** Element-wise {@code max(x, 0) - x t + log(1 + exp(-|x|))}, PyTorch's stable form. */
    static NDArray bceWithLogits(NDArray x, NDArray t) {
        return Scalars.maximum(x, 0).sub(x.mul(t)).add(x.abs().neg().exp().add(1).log());
    }
}
