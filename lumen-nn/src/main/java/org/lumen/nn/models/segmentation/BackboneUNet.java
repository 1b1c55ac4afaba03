package org.lumen.nn.models.segmentation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.lumen.nn.layers.Sequential;
import org.lumen.nn.models.backbone.Backbone;
import org.lumen.nn.models.backbone.Backbones;
import org.lumen.nn.module.Module;

/**
 * A U-Net whose encoder is a Lumen {@link Backbone} without its head, so a torchvision classifier's weights
 * (ImageNet or one's own) start the encoder: the model's state dict is the backbone's under {@code encoder.}
 * (minus the head: {@link Backbone#dropHead}), then {@code decoder.<i>} double convolutions, {@code final} and {@code outc}.
 *
 * <p>Skip connections come from the backbone's {@link Backbone#stages()}: at each output stride the encoder
 * reaches (2, 4, ..., 32 for ResNet), the last stage at that stride. From the deepest, the decoder upsamples
 * (bilinear, to the skip's exact size), concatenates the skip and applies a double 3x3 convolution with as many
 * channels as the skip has (between 16 and 256); a last block at full resolution also sees the input image, and a
 * 1x1 convolution gives the logits. Stage widths and strides are measured once, at construction, by running
 * the bare backbone (zero weights) on a 64 x 64 input.
 */
public final class BackboneUNet extends SegmentationModel {
    /** Narrowest and widest decoder block. */
    static final int MIN_WIDTH = 16, MAX_WIDTH = 256;
    private static final int PROBE = 64;

    private final Backbone encoder;
    private final List<String> skipPaths;
    private final Module[] decoder;
    private final Module last;
    private final Module outc;

    private BackboneUNet(String arch, Backbone encoder, int numClasses, List<String> skipPaths, int[] skipChannels) {
        super(arch, numClasses, encoder.inChannels());
        this.encoder = register("encoder", encoder);
        this.skipPaths = List.copyOf(skipPaths);
        int n = skipPaths.size();
        Sequential blocks = new Sequential();
        decoder = new Module[n - 1];
        int width = skipChannels[n - 1];
        for (int j = n - 2; j >= 0; j--) {
            int out = Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, skipChannels[j]));
            decoder[j] = doubleConv(width + skipChannels[j], out);
            blocks.add(decoder[j]);
            width = out;
        }
        register("decoder", blocks);
        last = register("final", doubleConv(width + encoder.inChannels(), MIN_WIDTH));
        outc = register("outc", classifier(MIN_WIDTH, numClasses));
    }

    /** A U-Net on {@code backbone} (a {@link Backbones} name) for {@code numClasses} and {@code inChannels}. */
    public static BackboneUNet create(String arch, String backbone, int numClasses, int inChannels) {
        Backbone probe = Backbones.create(backbone, 1, inChannels);
        probe.dropHead();
        List<String> paths = new ArrayList<>();
        List<Integer> channels = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            for (org.lumen.nn.module.Parameter p : probe.stateDict().values()) {
                p.setValue(m.zeros(p.shape(), p.dataType())); // only shapes matter here: no random draws
            }
            probe.train(false);
            List<String> candidates = candidates(probe);
            NDArray[] out = run(probe, candidates, m.zeros(new Shape(1, inChannels, PROBE, PROBE)));
            long lastH = PROBE;
            for (int i = 0; i < candidates.size(); i++) {
                Shape s = out[i] == null ? null : out[i].getShape();
                if (s == null || s.dimension() != 4 || s.get(2) >= PROBE) {
                    continue; // not a feature map, or not yet down-sampled
                }
                if (s.get(2) == lastH && !paths.isEmpty()) {
                    paths.set(paths.size() - 1, candidates.get(i)); // same stride: the later stage wins
                    channels.set(channels.size() - 1, (int) s.get(1));
                } else if (s.get(2) < lastH) {
                    paths.add(candidates.get(i));
                    channels.add((int) s.get(1));
                }
                lastH = s.get(2);
            }
        }
        if (paths.size() < 2) {
            throw new IllegalArgumentException(backbone + ": fewer than two feature resolutions among its stages");
        }
        Backbone encoder = Backbones.create(backbone, 1, inChannels);
        encoder.dropHead();
        return new BackboneUNet(arch, encoder, numClasses, paths,
                channels.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The backbone's stages outside the head, each as the path whose module ends it. */
    private static List<String> candidates(Backbone b) {
        List<String> out = new ArrayList<>();
        for (String stage : b.stages()) {
            String[] parts = stage.split("\\+");
            String end = parts[parts.length - 1];
            if (!end.equals(b.headChild()) && !end.startsWith(b.headChild() + ".")) {
                out.add(end);
            }
        }
        return out;
    }

    /**
     * Runs {@code b} on {@code x} up to the module at the last of {@code paths}, returning the outputs of the
     * modules at {@code paths}. The forward pass is cut there (the head is never run, and its weights, which
     * {@link Backbone#dropHead} took out of the state dict, are never allocated).
     */
    private static NDArray[] run(Backbone b, List<String> paths, NDArray x) {
        NDArray[] out = new NDArray[paths.size()];
        for (int i = 0; i < paths.size(); i++) {
            int k = i;
            boolean last = i == paths.size() - 1;
            b.find(paths.get(i)).setOutputHook(a -> {
                out[k] = a;
                if (last) {
                    throw new EncoderDone();
                }
                return a;
            });
        }
        try {
            b.apply(x);
            throw new IllegalStateException(b.arch() + ": " + paths.get(paths.size() - 1) + " was never run");
        } catch (EncoderDone done) {
            return out;
        } finally {
            for (String p : paths) {
                b.find(p).setOutputHook(null);
            }
        }
    }

    /** Ends the encoder's forward pass at the deepest skip connection; carries nothing, costs no stack trace. */
    private static final class EncoderDone extends RuntimeException {
        EncoderDone() {
            super(null, null, false, false);
        }
    }

    public Backbone encoder() {
        return encoder;
    }

    /** The encoder paths whose outputs feed the decoder, shallowest first. */
    public List<String> skipPaths() {
        return skipPaths;
    }

    /** The encoder's outputs at {@link #skipPaths()}, shallowest first. */
    public NDArray[] features(NDArray x) {
        return run(encoder, skipPaths, x);
    }

    @Override
    protected NDArray forward(NDArray x) {
        NDArray[] f = features(x);
        NDArray y = f[f.length - 1];
        for (int j = f.length - 2; j >= 0; j--) {
            y = decoder[j].apply(UNet.upAndConcat(y, f[j]));
        }
        return outc.apply(last.apply(UNet.upAndConcat(y, x)));
    }

    @Override
    public List<String> encoderStages() {
        List<String> out = new ArrayList<>();
        for (String stage : encoder.stages()) {
            String first = stage.split("\\+")[0];
            if (first.equals(encoder.headChild()) || first.startsWith(encoder.headChild() + ".")) {
                continue;
            }
            List<String> parts = new ArrayList<>();
            for (String p : stage.split("\\+")) {
                parts.add("encoder." + p);
            }
            out.add(String.join("+", parts));
        }
        return List.copyOf(out);
    }
}
