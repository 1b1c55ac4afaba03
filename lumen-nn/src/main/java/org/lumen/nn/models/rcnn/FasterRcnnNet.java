package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lumen.core.LumenException;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.detect.DetectionNet;
import org.lumen.nn.module.Module;

/**
 * {@link FasterRcnn} as a Lumen detector: labels 0-based without the background (torchvision's label minus one),
 * the transform's sizes set to the model's input size, training with torchvision's losses ({@link FasterRcnnLoss})
 * and its {@code trainable_backbone_layers=3} (conv1 and layer1 frozen, batch norms frozen throughout); the
 * resnet18/34 variants sample fewer proposals per image ({@link FasterRcnnLoss.Sampling#SMALL}).
 */
public final class FasterRcnnNet implements DetectionNet {
    private final String arch;
    private final FasterRcnn net;
    private final FasterRcnnLoss.Sampling sampling;

    public FasterRcnnNet(String arch, String body, int numClasses, int imgsz) {
        this.arch = arch;
        // torchvision's anchors (32-512 px) for its resnet50 layout; 8-128 px for the small CPU variants, which
        // have no torchvision counterpart and are meant for small objects in small images (clumps of 5-15 px)
        int[] anchors = body.equals("resnet50") || body.equals("resnet101") ? new int[] {32, 64, 128, 256, 512}
                : new int[] {8, 16, 32, 64, 128};
        this.sampling = body.equals("resnet50") || body.equals("resnet101") ? FasterRcnnLoss.Sampling.TORCHVISION
                : FasterRcnnLoss.Sampling.SMALL;
        this.net = new FasterRcnn(body, numClasses + 1, anchors).withSizes(imgsz, imgsz);
        this.net.trainableLayers(3);
    }

    @Override
    public Module module() {
        return net;
    }

    @Override
    public String arch() {
        return arch;
    }

    @Override
    public Map<String, NDArray> losses(NDArray images, List<Boxes> targets) {
        int n = (int) images.getShape().get(0);
        List<NDArray> list = new ArrayList<>();
        List<Boxes> oneBased = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(images.get(i));
            int[] labels = targets.get(i).labels().clone();
            for (int j = 0; j < labels.length; j++) {
                labels[j]++;
            }
            oneBased.add(Boxes.truth(targets.get(i).xyxy(), labels));
        }
        return FasterRcnnLoss.losses(net, list, oneBased, sampling);
    }

    @Override
    public List<String> lossParts() {
        return List.of("loss_classifier", "loss_box_reg", "loss_objectness", "loss_rpn_box_reg");
    }

    @Override
    public List<Boxes> detect(NDArray images, double conf, int maxDet) {
        int n = (int) images.getShape().get(0);
        List<NDArray> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(images.get(i));
        }
        List<Boxes> out = new ArrayList<>();
        for (Boxes b : net.detect(list)) {
            List<Integer> keep = new ArrayList<>();
            for (int j = 0; j < b.size() && keep.size() < maxDet; j++) {
                if (b.scores()[j] >= conf) {
                    keep.add(j);
                }
            }
            double[] xyxy = new double[4 * keep.size()];
            int[] labels = new int[keep.size()];
            double[] scores = new double[keep.size()];
            for (int k = 0; k < keep.size(); k++) {
                int j = keep.get(k);
                System.arraycopy(b.xyxy(), 4 * j, xyxy, 4 * k, 4);
                labels[k] = b.labels()[j] - 1;
                scores[k] = b.scores()[j];
            }
            out.add(new Boxes(xyxy, labels, scores));
        }
        return out;
    }

    /**
     * A full Faster R-CNN state dict (the box predictor left fresh when its class count differs), or a
     * classification ResNet's ({@code conv1.*}, {@code bn1.*}, {@code layer1..4.*}; torchvision or Lumen) copied
     * into {@code backbone.body} with its batch-norm statistics frozen, as torchvision builds a detector on a
     * pretrained backbone.
     */
    @Override
    public String transfer(Path weights, NDManager manager) {
        Map<String, org.lumen.nn.module.Parameter> mine = net.stateDict();
        int taken = 0;
        int skipped = 0;
        try (org.lumen.nn.weights.SafeTensors st = org.lumen.nn.weights.SafeTensors.open(weights)) {
            boolean classifier = st.entries().containsKey("conv1.weight");
            for (Map.Entry<String, org.lumen.nn.weights.SafeTensors.Entry> e : st.entries().entrySet()) {
                String name = classifier ? "backbone.body." + e.getKey() : e.getKey();
                org.lumen.nn.module.Parameter p = mine.get(name);
                if (p == null) {
                    if (classifier && (e.getKey().startsWith("fc.") || e.getKey().endsWith("num_batches_tracked"))) {
                        skipped++;
                        continue;
                    }
                    throw new LumenException(weights, "unexpected tensor " + e.getKey() + " for " + arch);
                }
                ai.djl.ndarray.types.Shape shape = new ai.djl.ndarray.types.Shape(e.getValue().shape());
                if (!shape.equals(p.shape())) {
                    if (name.startsWith("roi_heads.box_predictor.")) {
                        skipped++;
                        continue;
                    }
                    throw new LumenException(weights, e.getKey() + ": shape " + shape + " but " + arch + " has "
                            + p.shape());
                }
                p.setValue(manager.create(st.readFloats(e.getValue()), p.shape()));
                taken++;
            }
            return "transferred " + taken + " tensors from " + weights + (classifier
                    ? " into the backbone (conv1 and layer1 frozen, as torchvision's trainable_layers=3)" : "")
                    + (skipped > 0 ? "; " + skipped + " left out" : "");
        }
    }

    @Override
    public double defaultConf() {
        return 0.05;
    }
}
