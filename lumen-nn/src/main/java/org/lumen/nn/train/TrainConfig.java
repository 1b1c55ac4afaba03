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
 * {@link #hash()} is stored with each checkpoint; resuming refuses a different configuration. Build one with
 * {@link #builder()} (the defaults in one place); a value out of range is a {@link LumenException#setting} named as
 * the setting is here ({@code warmup} for {@code warmupEpochs}).
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
        check(epochs >= 1 && epochs <= 100_000, "epochs", "must be between 1 and 100000, got " + epochs);
        check(batch >= 1 && batch <= 4096, "batch", "must be between 1 and 4096, got " + batch);
        check(optimizer.equals("adamw") || optimizer.equals("sgd"), "optimizer",
                "must be adamw or sgd, got '" + optimizer + "'");
        check(lr > 0 && lr < 10, "lr", "must be in (0, 10), got " + lr);
        check(weightDecay >= 0, "weightDecay", "must be >= 0, got " + weightDecay);
        check(momentum >= 0 && momentum < 1, "momentum", "must be in [0, 1), got " + momentum);
        check(schedule.equals("cosine") || schedule.equals("step") || schedule.equals("constant"), "schedule",
                "must be cosine, step or constant, got '" + schedule + "'");
        check(warmupEpochs >= 0 && warmupEpochs < epochs, "warmup", "must be in [0, epochs), got " + warmupEpochs);
        check(freeze >= 0, "freeze", "must be >= 0, got " + freeze);
        check(classWeights.equals("none") || classWeights.equals("balanced"), "classWeights",
                "must be none or balanced, got '" + classWeights + "'");
        check(labelSmoothing >= 0 && labelSmoothing < 1, "labelSmoothing", "must be in [0, 1), got " + labelSmoothing);
        check(patience >= 0, "patience", "must be >= 0, got " + patience);
    }

    /** Refuses the setting {@code name} (as the command line's flag is spelt, camel case: {@code warmup}). */
    private static void check(boolean ok, String name, String message) {
        if (!ok) {
            throw LumenException.setting(name, message);
        }
    }

    /** A short run's defaults ({@link Builder}'s): AdamW 1e-3, cosine with one warm-up epoch, science augmentation. */
    public static TrainConfig defaults(int epochs, int batch, long seed) {
        return builder().epochs(epochs).batch(batch).seed(seed).build();
    }

    /** A builder holding {@link Builder the defaults}; set what differs, then {@link Builder#build()}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A {@link TrainConfig} built setting by setting; the record's checks run in {@link #build()}. Defaults: 10
     * epochs, batch 16, {@code adamw}, learning rate {@value TrainDefaults#LR}, weight decay
     * {@value TrainDefaults#WEIGHT_DECAY}, momentum 0.9, {@code cosine}, one warm-up epoch (none for a 1-epoch
     * run, unless set), nothing frozen, {@link Augment#SCIENCE}, class weights {@code none}, no label smoothing,
     * monitor {@code accuracy}, no early stopping (patience 0), seed 0.
     */
    public static final class Builder {
        private int epochs = 10;
        private int batch = 16;
        private String optimizer = "adamw";
        private double lr = TrainDefaults.LR;
        private double weightDecay = TrainDefaults.WEIGHT_DECAY;
        private double momentum = 0.9;
        private String schedule = "cosine";
        private Double warmupEpochs;
        private int freeze;
        private Augment augment = Augment.SCIENCE;
        private String classWeights = "none";
        private double labelSmoothing;
        private String monitor = "accuracy";
        private int patience;
        private long seed;

        private Builder() {}

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        public Builder batch(int v) {
            batch = v;
            return this;
        }

        /** {@code adamw} or {@code sgd}. */
        public Builder optimizer(String v) {
            optimizer = v;
            return this;
        }

        public Builder lr(double v) {
            lr = v;
            return this;
        }

        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder momentum(double v) {
            momentum = v;
            return this;
        }

        /** {@code cosine}, {@code step} or {@code constant}. */
        public Builder schedule(String v) {
            schedule = v;
            return this;
        }

        /** Linear warm-up epochs, in [0, epochs); unset: {@code min(1, epochs - 1)}. */
        public Builder warmup(double v) {
            warmupEpochs = v;
            return this;
        }

        public Builder freeze(int v) {
            freeze = v;
            return this;
        }

        public Builder augment(Augment v) {
            augment = v;
            return this;
        }

        /** {@code none} or {@code balanced}. */
        public Builder classWeights(String v) {
            classWeights = v;
            return this;
        }

        public Builder labelSmoothing(double v) {
            labelSmoothing = v;
            return this;
        }

        public Builder monitor(String v) {
            monitor = v;
            return this;
        }

        public Builder patience(int v) {
            patience = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** The configuration; a {@link LumenException} on the first setting out of range. */
        public TrainConfig build() {
            double warmup = warmupEpochs != null ? warmupEpochs : Math.min(1, epochs - 1);
            return new TrainConfig(epochs, batch, optimizer, lr, weightDecay, momentum, schedule, warmup, freeze, augment,
                    classWeights, labelSmoothing, monitor, patience, seed);
        }
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
