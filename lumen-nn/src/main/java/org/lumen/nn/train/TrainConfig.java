package org.lumen.nn.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.lumen.core.LumenException;

/**
 * Everything that determines a training run besides the data and the starting weights. Its
 * {@link #hash()} is stored with each checkpoint; {@code --resume} refuses a different configuration.
 *
 * @param optimizer {@code adamw} or {@code sgd}
 * @param schedule {@code cosine}, {@code step} or {@code constant}
 * @param freeze how many of the backbone's stages (stem first) keep their weights
 * @param classWeights {@code none} or {@code balanced} (N / (K n_c), scikit-learn's "balanced")
 * @param monitor the validation metric that selects {@code best} and drives early stopping
 * @param patience epochs without improvement before stopping; 0 never stops early
 */
public record TrainConfig(int epochs, int batch, String optimizer, double lr, double weightDecay, double momentum,
        String schedule, double warmupEpochs, int freeze, Augment augment, String classWeights,
        double labelSmoothing, String monitor, int patience, long seed) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public TrainConfig {
        check(epochs >= 1 && epochs <= 100_000, "--epochs", "must be between 1 and 100000, got " + epochs);
        check(batch >= 1 && batch <= 4096, "--batch", "must be between 1 and 4096, got " + batch);
        check(optimizer.equals("adamw") || optimizer.equals("sgd"), "--optimizer",
                "must be adamw or sgd, got '" + optimizer + "'");
        check(lr > 0 && lr < 10, "--lr", "must be in (0, 10), got " + lr);
        check(weightDecay >= 0, "--weight-decay", "must be >= 0, got " + weightDecay);
        check(momentum >= 0 && momentum < 1, "--momentum", "must be in [0, 1), got " + momentum);
        check(schedule.equals("cosine") || schedule.equals("step") || schedule.equals("constant"), "--schedule",
                "must be cosine, step or constant, got '" + schedule + "'");
        check(warmupEpochs >= 0 && warmupEpochs < epochs, "--warmup", "must be in [0, epochs), got " + warmupEpochs);
        check(freeze >= 0, "--freeze", "must be >= 0, got " + freeze);
        check(classWeights.equals("none") || classWeights.equals("balanced"), "--class-weights",
                "must be none or balanced, got '" + classWeights + "'");
        check(labelSmoothing >= 0 && labelSmoothing < 1, "--label-smoothing", "must be in [0, 1), got " + labelSmoothing);
        check(patience >= 0, "--patience", "must be >= 0, got " + patience);
    }

    private static void check(boolean ok, String option, String message) {
        if (!ok) {
            throw new LumenException(option, message);
        }
    }

    /** A short run's defaults: AdamW 1e-3, cosine with one warm-up epoch, science augmentation. */
    public static TrainConfig defaults(int epochs, int batch, long seed) {
        return new TrainConfig(epochs, batch, "adamw", 1e-3, 0.05, 0.9, "cosine", Math.min(1, epochs - 1) * 1.0, 0,
                Augment.SCIENCE, "none", 0, "accuracy", 0, seed);
    }

    public LrSchedule lrSchedule() {
        return switch (schedule) {
            case "step" -> LrSchedule.step(lr, warmupEpochs, Math.max(1, epochs / 3), 0.1);
            case "constant" -> LrSchedule.constant(lr);
            default -> LrSchedule.cosine(lr, warmupEpochs);
        };
    }

    public ObjectNode toJson() {
        return JSON.valueToTree(this);
    }

    /** SHA-256 of the JSON form, hex; equal configurations have equal hashes. */
    public String hash() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest(JSON.writeValueAsString(this).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
