package org.lumen.nn.models.yolo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lumen.core.geometry.Rle;
import org.lumen.core.LumenException;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.models.InstanceSegmentationNet;
import org.lumen.nn.module.Module;
import org.lumen.nn.ops.Functional;
import org.lumen.nn.ops.Scalars;

/**
 * YOLOv8-seg as an instance segmenter: {@link YoloV8#createSegment} plus Ultralytics' v8 segmentation loss and
 * mask post-processing, on top of {@link YoloNet}'s detection loss and decoding (reused, not copied).
 *
 * <p><b>Loss</b> ({@code v8SegmentationLoss}): box, cls and dfl exactly as {@link YoloNet}; the mask term, for
 * every positive anchor (assigned object g), is BCE with logits between {@code coef . proto} (at prototype
 * resolution, a quarter of the input) and g's mask at that resolution, summed over the pixels inside g's box
 * scaled to the prototypes ({@code x1 <= c < x2, y1 <= r < y2}, fractional edges as Ultralytics'
 * {@code crop_mask}), divided by the number of prototype pixels and by g's box area as a fraction of the image
 * (so about the mean over the box); then averaged over all positive anchors of the batch. It is weighted by the
 * box gain 7.5, as Ultralytics' default ({@code loss[1] *= hyp.box}). The ground-truth masks come at input
 * resolution and are reduced to the prototypes' as {@code F.interpolate(mode="nearest")} does: prototype pixel
 * {@code (r, c)} takes input pixel {@code (floor(r * H / ph), floor(c * W / pw))}. As in {@link YoloNet} the total
 * is per image (Ultralytics multiplies by the batch size).
 *
 * <p><b>Masks</b> (Ultralytics' {@code process_mask}, the non-"retina" variant used by its predict and val):
 * for each detection kept after NMS, {@code sigmoid(coef . proto)} at prototype resolution, zeroed outside the
 * detection's box scaled to the prototypes, then bilinearly upsampled ({@code align_corners=False}) to the input
 * size and thresholded at 0.5 (strictly greater).
 */
public final class YoloSegNet implements InstanceSegmentationNet {
    private final YoloV8 net;
    private final YoloNet det;

    public YoloSegNet(String arch, YoloV8 net) {
        if (!net.isSegment()) {
            throw new IllegalArgumentException(arch + " has no segmentation head");
        }
        this.net = net;
        this.det = new YoloNet(arch, net);
    }

    @Override
    public Module module() {
        return net;
    }

    @Override
    public String arch() {
        return det.arch();
    }

    @Override
    public double defaultConf() {
        return det.defaultConf();
    }

    @Override
    public List<Boxes> detect(NDArray images, double conf, int maxDet) {
        return det.detect(images, conf, maxDet);
    }

    /** A YOLOv8-seg state dict (Ultralytics' names; the class-dependent parts left fresh when they differ). */
    @Override
    public String transfer(java.nio.file.Path weights, NDManager manager) {
        return det.transfer(weights, manager);
    }

    /** Training needs each object's mask ({@link #losses(NDArray, List, List)}): the box-only loss is refused. */
    @Override
    public Map<String, NDArray> losses(NDArray images, List<Boxes> targets) {
        throw LumenException.setting("arch", arch() + " trains on each object's mask; its box-only loss is not"
                + " defined (yolov8n/s/m train on boxes)");
    }

    /**
     * Detections with their masks' probability maps at prototype resolution over the whole input
     * ({@code [n, H/4, W/4]}), each already cut to its box as Ultralytics' {@code process_mask} does; {@link #paste}
     * upsamples them to an image's size.
     */
    @Override
    public List<Masked> detectMasks(NDArray images, double conf, int maxDet) {
        return perDetections(images, conf, maxDet,
                (boxes, coef, proto, h, w) -> new Masked(boxes, croppedProbs(coef, proto, boxes.xyxy(), h, w)));
    }

    /** What a result is made of: one image's detections, their mask coefficients {@code [K, nm]}, its prototypes. */
    @FunctionalInterface
    private interface Kept<T> {
        T of(Boxes boxes, NDArray coef, NDArray proto, int h, int w);
    }

    /** Detection on a batch of {@code h x w} images in evaluation mode, then {@code result} per image. */
    private <T> List<T> perDetections(NDArray images, double conf, int maxDet, Kept<T> result) {
        YoloNet.checkInput(images);
        int h = (int) images.getShape().get(2);
        int w = (int) images.getShape().get(3);
        YoloV8.SegmentOutput o = net.segmentOutputs(YoloV8.inferenceLayout(net, images));
        NDArray pred = o.pred().transpose(0, 2, 1);
        List<int[]> anchorsOf = new ArrayList<>();
        List<Boxes> boxes = det.detections(pred, h, w, conf, maxDet, anchorsOf);
        NDArray coef = pred.get(":, :, " + (4 * YoloV8.REG_MAX + net.numClasses()) + ":");
        List<T> out = new ArrayList<>();
        for (int b = 0; b < boxes.size(); b++) {
            long[] idx = java.util.Arrays.stream(anchorsOf.get(b)).asLongStream().toArray();
            out.add(result.of(boxes.get(b), coef.get(b).get(images.getManager().create(idx)), o.proto().get(b), h, w));
        }
        return out;
    }

    /**
     * Binary masks of {@code height x width}: the maps upsampled bilinearly straight to that size (Ultralytics
     * upsamples to the input, then rescales to the original image; one resize here) and cut at 0.5.
     */
    @Override
    public List<Rle> paste(NDArray probs, Boxes boxes, int height, int width) {
        int k = (int) probs.getShape().get(0);
        List<Rle> out = new ArrayList<>();
        if (k == 0) {
            return out;
        }
        float[] up = Functional.resizeBilinear(probs.expandDims(0), height, width).toFloatArray();
        for (int q = 0; q < k; q++) {
            boolean[] mask = new boolean[height * width];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = up[q * height * width + i] > 0.5f;
            }
            out.add(Segmentation.rle(mask, height, width));
        }
        return out;
    }

    /** The detector view: boxes, scores and labels only (its loss ignores the masks). */
    public YoloNet detector() {
        return det;
    }

    @Override
    public List<String> lossParts() {
        return List.of("box", "seg", "cls", "dfl");
    }

    /**
     * One image's instance segmentation.
     *
     * @param boxes the detections, as {@link YoloNet#detect}
     * @param masks per detection, {@code height * width} row-major foreground flags at input resolution
     */
    public record Segmentation(Boxes boxes, boolean[][] masks, int height, int width) {
        /** Detection {@code i}'s mask as COCO run-length encoding (pycocotools' {@code encode}). */
        public Rle rle(int i) {
            return rle(masks[i], height, width);
        }

        static Rle rle(boolean[] mask, int height, int width) {
            byte[] b = new byte[mask.length];
            for (int k = 0; k < b.length; k++) {
                b[k] = mask[k] ? (byte) 1 : 0;
            }
            return Rle.encode(b, height, width);
        }
    }

    /**
     * Losses {@code loss}, {@code box}, {@code seg}, {@code cls}, {@code dfl} (weighted).
     *
     * @param masks per image, per object of {@code targets}, its mask: {@code H * W} values (nonzero = inside),
     *     row-major at the input resolution
     */
    @Override
    public Map<String, NDArray> losses(NDArray images, List<Boxes> targets, List<float[][]> masks) {
        YoloNet.checkInput(images);
        int h = (int) images.getShape().get(2);
        int w = (int) images.getShape().get(3);
        YoloV8.SegmentOutput o = net.segmentOutputs(images);
        NDArray pred = o.pred().transpose(0, 2, 1);
        YoloNet.Terms t = det.terms(pred, h, w, targets);
        int c0 = 4 * YoloV8.REG_MAX + net.numClasses();
        NDArray coef = pred.get(":, :, " + c0 + ":");
        NDArray seg = maskLoss(coef, o.proto(), t.gt(), t.gtBoxes(), masks, h, w);
        Map<String, NDArray> out = new LinkedHashMap<>();
        NDArray box = Scalars.mul(t.box(), YoloNet.BOX_GAIN);
        NDArray segW = Scalars.mul(seg, YoloNet.BOX_GAIN);
        NDArray cls = Scalars.mul(t.cls(), YoloNet.CLS_GAIN);
        NDArray dfl = Scalars.mul(t.dfl(), YoloNet.DFL_GAIN);
        out.put("loss", box.add(segW).add(cls).add(dfl));
        out.put("box", box);
        out.put("seg", segW);
        out.put("cls", cls);
        out.put("dfl", dfl);
        return out;
    }

    /**
     * The unweighted mask term (see the class comment).
     *
     * @param coef {@code [N, A, nm]} mask coefficients
     * @param proto {@code [N, nm, ph, pw]} prototypes
     * @param gt per image, the object index of each anchor (-1: background)
     * @param gtBoxes per image, the objects' xyxy boxes in input pixels
     * @param masks per image, per object, {@code h * w} input-resolution masks
     */
    static NDArray maskLoss(NDArray coef, NDArray proto, int[][] gt, double[][][] gtBoxes, List<float[][]> masks,
            int h, int w) {
        int n = (int) proto.getShape().get(0);
        int nm = (int) proto.getShape().get(1);
        int ph = (int) proto.getShape().get(2);
        int pw = (int) proto.getShape().get(3);
        int hw = ph * pw;
        NDManager m = proto.getManager();
        // zero, but on the graph, so that a batch without positives still back-propagates
        NDArray total = Scalars.mul(coef.sum(), 0).add(Scalars.mul(proto.sum(), 0));
        int positives = 0;
        for (int b = 0; b < n; b++) {
            List<Integer> pos = new ArrayList<>();
            for (int i = 0; i < gt[b].length; i++) {
                if (gt[b][i] >= 0) {
                    pos.add(i);
                }
            }
            if (pos.isEmpty()) {
                continue;
            }
            positives += pos.size();
            float[][] small = downsample(masks.get(b), gtBoxes[b].length, h, w, ph, pw);
            float[] target = new float[pos.size() * hw];
            float[] weight = new float[pos.size() * hw];
            long[] idx = new long[pos.size()];
            for (int q = 0; q < pos.size(); q++) {
                int g = gt[b][pos.get(q)];
                idx[q] = pos.get(q);
                System.arraycopy(small[g], 0, target, q * hw, hw);
                double[] box = gtBoxes[b][g];
                double x1 = box[0] / w * pw;
                double y1 = box[1] / h * ph;
                double x2 = box[2] / w * pw;
                double y2 = box[3] / h * ph;
                double area = (box[2] - box[0]) / w * ((box[3] - box[1]) / h);
                float wt = (float) (1.0 / hw / area);
                for (int r = 0; r < ph; r++) {
                    if (r < y1 || r >= y2) {
                        continue;
                    }
                    for (int c = 0; c < pw; c++) {
                        if (c >= x1 && c < x2) {
                            weight[q * hw + r * pw + c] = wt;
                        }
                    }
                }
            }
            NDArray cb = coef.get(b).get(m.create(idx)); // [P, nm]
            NDArray logits = cb.matMul(proto.get(b).reshape(nm, hw)); // [P, hw]
            NDArray tg = m.create(target, new Shape(pos.size(), hw));
            NDArray wg = m.create(weight, new Shape(pos.size(), hw));
            total = total.add(YoloNet.bceWithLogits(logits, tg).mul(wg).sum());
        }
        return Scalars.div(total, Math.max(positives, 1));
    }

    /** {@code F.interpolate(mode="nearest")} of each object's {@code h x w} mask to {@code ph x pw}, as 0/1. */
    static float[][] downsample(float[][] masks, int objects, int h, int w, int ph, int pw) {
        if (masks == null || masks.length != objects) {
            throw new IllegalArgumentException("expected " + objects + " masks, got "
                    + (masks == null ? "none" : masks.length));
        }
        float[][] out = new float[objects][ph * pw];
        for (int g = 0; g < objects; g++) {
            if (masks[g].length != h * w) {
                throw new IllegalArgumentException("mask " + g + " has " + masks[g].length + " values, not " + h
                        + " x " + w);
            }
            for (int r = 0; r < ph; r++) {
                int sr = (int) Math.floor(r * (double) h / ph);
                for (int c = 0; c < pw; c++) {
                    int sc = (int) Math.floor(c * (double) w / pw);
                    out[g][r * pw + c] = masks[g][sr * w + sc] != 0 ? 1f : 0f;
                }
            }
        }
        return out;
    }

    /** Detections with their masks, per image; the network should be in evaluation mode. */
    public List<Segmentation> segment(NDArray images, double conf, int maxDet) {
        return perDetections(images, conf, maxDet,
                (boxes, coef, proto, h, w) -> new Segmentation(boxes, masks(coef, proto, boxes.xyxy(), h, w), h, w));
    }

    /**
     * Ultralytics' {@code process_mask}: {@code coef [K, nm]}, {@code proto [nm, ph, pw]}, boxes xyxy in input
     * pixels; returns {@code K} masks of {@code h * w}.
     */
    static boolean[][] masks(NDArray coef, NDArray proto, double[] xyxy, int h, int w) {
        int k = (int) coef.getShape().get(0);
        if (k == 0) {
            return new boolean[0][];
        }
        float[] up = Functional.resizeBilinear(croppedProbs(coef, proto, xyxy, h, w).expandDims(0), h, w)
                .toFloatArray();
        boolean[][] out = new boolean[k][h * w];
        for (int q = 0; q < k; q++) {
            for (int i = 0; i < h * w; i++) {
                out[q][i] = up[q * h * w + i] > 0.5f;
            }
        }
        return out;
    }

    /** {@code sigmoid(coef . proto)} zeroed outside each box (scaled to the prototypes): {@code [K, ph, pw]}. */
    private static NDArray croppedProbs(NDArray coef, NDArray proto, double[] xyxy, int h, int w) {
        int k = (int) coef.getShape().get(0);
        int nm = (int) proto.getShape().get(0);
        int ph = (int) proto.getShape().get(1);
        int pw = (int) proto.getShape().get(2);
        if (k == 0) {
            return proto.getManager().zeros(new Shape(0, ph, pw));
        }
        NDArray sig = Functional.sigmoid(coef.matMul(proto.reshape(nm, (long) ph * pw)));
        float[] crop = new float[k * ph * pw];
        for (int q = 0; q < k; q++) {
            double x1 = xyxy[4 * q] * pw / w;
            double y1 = xyxy[4 * q + 1] * ph / h;
            double x2 = xyxy[4 * q + 2] * pw / w;
            double y2 = xyxy[4 * q + 3] * ph / h;
            for (int r = 0; r < ph; r++) {
                for (int c = 0; c < pw; c++) {
                    if (c >= x1 && c < x2 && r >= y1 && r < y2) {
                        crop[(q * ph + r) * pw + c] = 1f;
                    }
                }
            }
        }
        return sig.mul(proto.getManager().create(crop, new Shape(k, (long) ph * pw))).reshape(k, ph, pw);
    }
}
