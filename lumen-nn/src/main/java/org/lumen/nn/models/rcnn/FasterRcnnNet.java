package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lumen.core.LumenException;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.models.NamedDetectionNet;

/**
 * {@link FasterRcnn} (or {@link MaskRcnn}, through {@link MaskRcnnNet}) as a Lumen detector: labels 0-based
 * without the background (torchvision's label minus one), the transform's sizes set to the model's input size,
 * training with torchvision's losses ({@link FasterRcnnLoss}) and its {@code trainable_backbone_layers=3} (ResNet:
 * conv1 and layer1 frozen; MobileNetV2: features 0-6; batch norms frozen throughout); the CPU-sized variants
 * (resnet18/34, mobilenet_v2) sample fewer proposals per image, in training and evaluation
 * ({@link FasterRcnnLoss.Sampling#SMALL}).
 */
public class FasterRcnnNet extends NamedDetectionNet<FasterRcnn> {
    private final FasterRcnnLoss.Sampling sampling;

    public FasterRcnnNet(String arch, String body, int numClasses, int imgsz) {
        this(arch, new FasterRcnn(body, numClasses + 1, anchorsPerLevel(body), true).withSizes(imgsz, maxSize(imgsz)),
                body);
    }

    /**
     * The transform's {@code max_size} for {@code min_size = imgsz}: torchvision's ratio, 1333 for 800, so that an
     * imported model predicts on the image sizes torchvision gives it (a square image's long side is the min size).
     */
    static int maxSize(int imgsz) {
        return (int) Math.round(imgsz * 1333.0 / 800);
    }

    /** For a subclass with a {@link FasterRcnn} of its own kind (Mask R-CNN). */
    FasterRcnnNet(String arch, FasterRcnn net, String body) {
        super(arch, net);
        this.sampling = body.equals("resnet50") || body.equals("resnet101") ? FasterRcnnLoss.Sampling.TORCHVISION
                : FasterRcnnLoss.Sampling.SMALL;
        net.withTestProposals(sampling.testProposals(), sampling.testProposals());
        net.trainableLayers(3);
    }

    /** Anchor sizes per FPN level; MobileNetV2's as torchvision's mobilenet detectors: 32-512 on all 3 levels. */
    static int[][] anchorsPerLevel(String body) {
        if (body.equals("mobilenet_v2")) {
            int[] sizes = {32, 64, 128, 256, 512};
            return new int[][] {sizes, sizes, sizes};
        }
        return AnchorGenerator.perLevel(anchors(body));
    }

    /**
     * torchvision's anchors (32-512 px) for its resnet50 layout; 8-128 px for the small CPU variants, which have
     * no torchvision counterpart and are meant for small objects in small images (clumps of 5-15 px).
     */
    static int[] anchors(String body) {
        return body.equals("resnet50") || body.equals("resnet101") ? new int[] {32, 64, 128, 256, 512}
                : new int[] {8, 16, 32, 64, 128};
    }

    @Override
    public Map<String, NDArray> losses(NDArray images, List<Boxes> targets) {
        return FasterRcnnLoss.losses(net, split(images), oneBased(targets), sampling);
    }

    /** The proposal sample sizes the losses use. */
    FasterRcnnLoss.Sampling sampling() {
        return sampling;
    }

    /** Targets with torchvision's labels: Lumen's 0-based labels plus one (0 is the background). */
    static List<Boxes> oneBased(List<Boxes> targets) {
        List<Boxes> out = new ArrayList<>();
        for (Boxes t : targets) {
            int[] labels = t.labels().clone();
            for (int j = 0; j < labels.length; j++) {
                labels[j]++;
            }
            out.add(Boxes.truth(t.xyxy(), labels));
        }
        return out;
    }

    @Override
    public boolean keepsAspect() {
        return true;
    }

    @Override
    public List<String> lossParts() {
        return List.of("loss_classifier", "loss_box_reg", "loss_objectness", "loss_rpn_box_reg");
    }

    @Override
    public List<Boxes> detect(NDArray images, double conf, int maxDet) {
        List<Boxes> out = new ArrayList<>();
        for (Boxes b : withThresholds(net, conf, maxDet).detect(split(images))) {
            out.add(select(b, kept(b, conf, maxDet)));
        }
        return out;
    }

    static List<NDArray> split(NDArray images) {
        int n = (int) images.getShape().get(0);
        List<NDArray> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(images.get(i));
        }
        return list;
    }

    /**
     * Sets the box head's own cut ({@code box_score_thresh}, {@code box_detections_per_img}) to the caller's
     * {@code conf} and {@code maxDet}, as a torchvision model built with them: a caller asking for detections below
     * torchvision's default 0.05, or for more than its 100, gets them (above 0.05 and within 100 the detections are
     * the same either way: a lower-scoring box never suppresses a higher one in NMS).
     */
    static FasterRcnn withThresholds(FasterRcnn net, double conf, int maxDet) {
        return net.withDetections(conf, maxDet);
    }

    /** The first {@code maxDet} detections scoring at least {@code conf} (they come by descending score). */
    static int[] kept(Boxes b, double conf, int maxDet) {
        List<Integer> keep = new ArrayList<>();
        for (int j = 0; j < b.size() && keep.size() < maxDet; j++) {
            if (b.scores()[j] >= conf) {
                keep.add(j);
            }
        }
        return keep.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Detections {@code keep} of {@code b}, labels 0-based (torchvision's minus one) or as they are. */
    static Boxes select(Boxes b, int[] keep, boolean zeroBased) {
        double[] xyxy = new double[4 * keep.length];
        int[] labels = new int[keep.length];
        double[] scores = new double[keep.length];
        for (int k = 0; k < keep.length; k++) {
            int j = keep[k];
            System.arraycopy(b.xyxy(), 4 * j, xyxy, 4 * k, 4);
            labels[k] = b.labels()[j] - (zeroBased ? 1 : 0);
            scores[k] = b.scores()[j];
        }
        return new Boxes(xyxy, labels, scores);
    }

    private static Boxes select(Boxes b, int[] keep) {
        return select(b, keep, true);
    }

    /**
     * A full Faster R-CNN (or Mask R-CNN) state dict (the box predictor, and the mask predictor's class logits, left
     * fresh when their class count differs; a Faster R-CNN's into a Mask R-CNN leaves the mask head fresh), or a
     * classification ResNet's ({@code conv1.*}, {@code bn1.*}, {@code layer1..4.*}; torchvision or Lumen) or
     * MobileNetV2's ({@code features.*} to {@code backbone.body.*}; its classifier left out) copied
     * into {@code backbone.body} with its batch-norm statistics frozen, as torchvision builds a detector on a
     * pretrained backbone.
     */
    @Override
    public String transfer(Path weights, NDManager manager) {
        Map<String, org.lumen.nn.module.Parameter> mine = net.stateDict();
        int taken = 0;
        int skipped = 0;
        try (org.lumen.nn.weights.SafeTensors st = org.lumen.nn.weights.SafeTensors.open(weights)) {
            boolean mobile = st.entries().containsKey("features.0.0.weight");
            boolean classifier = st.entries().containsKey("conv1.weight") || mobile;
            for (Map.Entry<String, org.lumen.nn.weights.SafeTensors.Entry> e : st.entries().entrySet()) {
                String key = e.getKey();
                String name = !classifier ? key
                        : "backbone.body." + (mobile && key.startsWith("features.") ? key.substring(9) : key);
                org.lumen.nn.module.Parameter p = mine.get(name);
                if (p == null) {
                    if (classifier && (key.startsWith("fc.") || key.startsWith("classifier.")
                            || key.endsWith("num_batches_tracked"))
                            || org.lumen.nn.weights.Weights.ignoredOnLoad(net, name)) {
                        skipped++;
                        continue;
                    }
                    throw new LumenException(weights, "unexpected tensor " + e.getKey() + " for " + arch());
                }
                ai.djl.ndarray.types.Shape shape = new ai.djl.ndarray.types.Shape(e.getValue().shape());
                if (!shape.equals(p.shape())) {
                    if (name.startsWith("roi_heads.box_predictor.")
                            || name.startsWith("roi_heads.mask_predictor.mask_fcn_logits.")) {
                        skipped++;
                        continue;
                    }
                    throw new LumenException(weights, e.getKey() + ": shape " + shape + " but " + arch() + " has "
                            + p.shape());
                }
                p.setValue(manager.create(st.readFloats(e.getValue()), p.shape()));
                taken++;
            }
            String frozen = mobile ? "features.0-6 frozen, as torchvision's trainable_layers=3"
                    : "conv1 and layer1 frozen, as torchvision's trainable_layers=3";
            return "transferred " + taken + " tensors from " + weights + (classifier
                    ? " into the backbone (" + frozen + ")" : "")
                    + (skipped > 0 ? "; " + skipped + " left out" : "");
        }
    }

    @Override
    public double defaultConf() {
        return 0.05;
    }

    /** torchvision's own evaluation cut: its box head's default {@code box_score_thresh} of 0.05. */
    @Override
    public double evalConf() {
        return 0.05;
    }
}
