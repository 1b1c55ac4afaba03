package org.lumen.nn.models.rcnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.layers.Conv2d;
import org.lumen.nn.layers.Linear;
import org.lumen.nn.layers.Sequential;
import org.lumen.nn.module.Init;
import org.lumen.nn.module.Module;
import org.lumen.nn.ops.BoxCoder;
import org.lumen.nn.ops.Functional;
import org.lumen.nn.ops.InferenceLayout;
import org.lumen.nn.ops.LevelMapper;
import org.lumen.nn.ops.Nms;
import org.lumen.nn.ops.RoiAlign;

/**
 * torchvision 0.14's {@code fasterrcnn_resnet50_fpn} (and the same on resnet18/34/101, or on mobilenet_v2 as
 * torchvision builds its mobilenet detectors: {@link MobileNetV2Body}, two FPN levels and the pooled one, five
 * anchor sizes per level), inference, with its
 * parameter names: {@code backbone.body} ({@link ResNetBody}, frozen batch norms), {@code backbone.fpn}
 * (inner 1x1 and layer 3x3 convolutions to 256 channels, top-down nearest upsampling, an extra max-pooled
 * level), {@code rpn.head} (3x3 convolution, objectness and box deltas for 3 anchors per place),
 * {@code roi_heads.box_head} ({@code fc6}, {@code fc7}) and {@code roi_heads.box_predictor}
 * ({@code cls_score}, {@code bbox_pred}; class 0 is the background).
 *
 * <p>Defaults are torchvision's: images normalised with ImageNet's statistics and resized so the short side is
 * {@code minSize} (at most {@code maxSize} on the long side; bilinear, no antialiasing), padded to a multiple of
 * 32; anchors of 32-512 pixels (one size per level) at aspect ratios 0.5, 1, 2; RPN: the 1,000 best proposals
 * per level before NMS at IoU 0.7 and 1,000 after; 7x7 multi-scale RoIAlign (sampling ratio 2) over the four
 * FPN levels; detections above score 0.05, NMS per class at 0.5, at most 100 per image.
 */
public class FasterRcnn extends Module {
    public static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] STD = {0.229f, 0.224f, 0.225f};

    private final int numClasses;
    private final RcnnBody body;
    private final Sequential inner = new Sequential();
    private final Sequential outer = new Sequential();
    private final Module rpnConv;
    private final Module rpnCls;
    private final Module rpnBox;
    private final Module fc6;
    private final Module fc7;
    private final Module clsScore;
    private final Module bboxPred;
    private final Container roi;
    private final int[][] anchorSizes;
    /** Anchors per place: sizes per level x 3 aspect ratios. */
    private final int anchorsPerPlace;
    private int minSize = 800;
    private int maxSize = 1333;
    private double boxScoreThresh = 0.05;
    private int detectionsPerImage = 100;
    private int rpnPreNms = 1000;
    private int rpnPostNms = 1000;

    /**
     * @param numClasses classes including the background (torchvision's {@code num_classes})
     * @param anchorSizes one anchor size per FPN level (torchvision: 32, 64, 128, 256, 512)
     */
    public FasterRcnn(String bodyArch, int numClasses, int[] anchorSizes) {
        this(bodyArch, numClasses, anchorSizes, true);
    }

    /** @param frozenNorm frozen batch norms in the body (pretrained) or trainable ones (from scratch) */
    public FasterRcnn(String bodyArch, int numClasses, int[] anchorSizes, boolean frozenNorm) {
        this(bodyArch, numClasses, perLevel(anchorSizes), frozenNorm);
    }

    /**
     * @param bodyArch {@code resnet18/34/50/101} ({@link ResNetBody}: four stages, FPN levels '0'..'3') or
     *     {@code mobilenet_v2} ({@link MobileNetV2Body}: features 14 and 18, both stride 32, FPN levels '0', '1')
     * @param anchorSizes anchor sizes of each FPN level (the extra max-pooled level included), the same count on
     *     every level; each place has {@code sizes x 3} anchors
     */
    public FasterRcnn(String bodyArch, int numClasses, int[][] anchorSizes, boolean frozenNorm) {
        this.numClasses = numClasses;
        this.anchorSizes = new int[anchorSizes.length][];
        for (int l = 0; l < anchorSizes.length; l++) {
            this.anchorSizes[l] = anchorSizes[l].clone();
            if (anchorSizes[l].length != anchorSizes[0].length) {
                throw new IllegalArgumentException("anchor sizes: every level needs as many (the RPN head is shared)");
            }
        }
        this.anchorsPerPlace = anchorSizes[0].length * 3;
        Module backbone = register("backbone", new Container());
        Module bodyModule = bodyArch.equals("mobilenet_v2") ? new MobileNetV2Body(frozenNorm)
                : new ResNetBody(bodyArch, frozenNorm);
        ((Container) backbone).put("body", bodyModule);
        body = (RcnnBody) bodyModule;
        if (anchorSizes.length != body.channels().length + 1) {
            throw new IllegalArgumentException("anchor sizes for " + anchorSizes.length + " levels, but " + bodyArch
                    + " gives " + (body.channels().length + 1) + " FPN levels");
        }
        Container fpn = ((Container) backbone).put("fpn", new Container());
        fpn.put("inner_blocks", inner);
        fpn.put("layer_blocks", outer);
        Init fpnInit = (shape, random) -> Init.uniform(Math.sqrt(3.0 / Init.fanIn(shape))).values(shape, random);
        for (int c : body.channels()) {
            inner.add(new Sequential(new Conv2d(c, 256, 1, 1, 0, 1, 1, true, fpnInit)));
            outer.add(new Sequential(new Conv2d(256, 256, 3, 1, 1, 1, 1, true, fpnInit)));
        }
        Container rpn = register("rpn", new Container());
        Container head = rpn.put("head", new Container());
        Init small = Init.normal(0.01);
        rpnConv = head.put("conv", new Sequential(new Sequential(new Conv2d(256, 256, 3, 1, 1, 1, 1, true, small))));
        rpnCls = head.put("cls_logits", new Conv2d(256, anchorsPerPlace, 1, 1, 0, 1, 1, true, small));
        rpnBox = head.put("bbox_pred", new Conv2d(256, 4 * anchorsPerPlace, 1, 1, 0, 1, 1, true, small));
        roi = register("roi_heads", new Container());
        Container boxHead = roi.put("box_head", new Container());
        fc6 = boxHead.put("fc6", new Linear(256 * 7 * 7, 1024));
        fc7 = boxHead.put("fc7", new Linear(1024, 1024));
        Container predictor = roi.put("box_predictor", new Container());
        clsScore = predictor.put("cls_score", new Linear(1024, numClasses));
        bboxPred = predictor.put("bbox_pred", new Linear(1024, 4 * numClasses));
    }

    /** One anchor size per level. */
    static int[][] perLevel(int[] sizes) {
        int[][] out = new int[sizes.length][];
        for (int l = 0; l < sizes.length; l++) {
            out[l] = new int[] {sizes[l]};
        }
        return out;
    }

    /**
     * torchvision's {@code trainable_backbone_layers}: for a ResNet conv1 and the first {@code 5 - n} stages
     * frozen; for MobileNetV2 see {@link MobileNetV2Body#trainableLayers}.
     */
    public void trainableLayers(int n) {
        body.trainableLayers(n);
    }

    /** torchvision's transform sizes ({@code min_size}, {@code max_size}). */
    public FasterRcnn withSizes(int min, int max) {
        this.minSize = min;
        this.maxSize = max;
        return this;
    }

    /** {@code rpn_pre_nms_top_n_test} (per level) and {@code rpn_post_nms_top_n_test}. */
    public FasterRcnn withTestProposals(int preNms, int postNms) {
        this.rpnPreNms = preNms;
        this.rpnPostNms = postNms;
        return this;
    }

    /** {@code box_score_thresh} and {@code box_detections_per_img}. */
    public FasterRcnn withDetections(double scoreThresh, int perImage) {
        this.boxScoreThresh = scoreThresh;
        this.detectionsPerImage = perImage;
        return this;
    }

    public int numClasses() {
        return numClasses;
    }

    /** {@code roi_heads}, where a subclass registers further heads (Mask R-CNN's mask head and predictor). */
    Container roiHeadsModule() {
        return roi;
    }

    /** A module holding named children only. */
    static final class Container extends Module {
        <M extends Module> M put(String name, M m) {
            return register(name, m);
        }

        @Override
        protected NDArray forward(NDArray x) {
            throw new UnsupportedOperationException("a container");
        }
    }

    @Override
    protected NDArray forward(NDArray x) {
        throw new UnsupportedOperationException("use detect()");
    }

    /** The transformed batch: normalised, resized, padded; and each image's size after resizing. */
    record Batch(NDArray images, int[][] sizes) {}

    /**
     * torchvision's {@code torch.min(min_size / short, max_size / long)} as float32 tensors compute it: a Python
     * number divided by a tensor is {@code tensor.reciprocal() * number}, two float32 roundings, not one division.
     * The difference decides sizes: for 480 rows at min size 800, 1/480 then x 800 gives 1.66666675 and 800 rows,
     * a plain division 1.66666663 and 799 (one row of padding, and every row after the first resampled off).
     */
    static float resizeScale(int h, int w, int minSize, int maxSize) {
        float byShort = (1f / Math.min(h, w)) * minSize;
        float byLong = (1f / Math.max(h, w)) * maxSize;
        return Math.min(byShort, byLong);
    }

    /** {@code GeneralizedRCNNTransform} in evaluation: normalise, resize, pad to a multiple of 32. */
    Batch transform(List<NDArray> images) {
        NDManager m = images.get(0).getManager();
        List<NDArray> resized = new ArrayList<>();
        int[][] sizes = new int[images.size()][];
        int maxH = 0;
        int maxW = 0;
        NDArray mean = m.create(MEAN, new Shape(3, 1, 1));
        NDArray std = m.create(STD, new Shape(3, 1, 1));
        for (int i = 0; i < images.size(); i++) {
            NDArray im = images.get(i).sub(mean).div(std);
            int h = (int) im.getShape().get(1);
            int w = (int) im.getShape().get(2);
            float scale = resizeScale(h, w, minSize, maxSize);
            // torch: scale_factor (float32's value) with recompute_scale_factor=True -> floor(in * scale) in double
            int oh = (int) Math.floor(h * (double) scale);
            int ow = (int) Math.floor(w * (double) scale);
            if (oh != h || ow != w) {
                im = Functional.resizeBilinear(im.expandDims(0), oh, ow).squeeze(0);
            }
            resized.add(im);
            sizes[i] = new int[] {oh, ow};
            maxH = Math.max(maxH, oh);
            maxW = Math.max(maxW, ow);
        }
        int ph = (maxH + 31) / 32 * 32;
        int pw = (maxW + 31) / 32 * 32;
        NDList padded = new NDList();
        for (NDArray im : resized) {
            long h = im.getShape().get(1);
            long w = im.getShape().get(2);
            NDArray out = im;
            if (w < pw) {
                out = out.concat(m.zeros(new Shape(3, h, pw - w)), 2);
            }
            if (h < ph) {
                out = out.concat(m.zeros(new Shape(3, ph - h, pw)), 1);
            }
            padded.add(out.expandDims(0));
        }
        return new Batch(NDArrays.concat(padded, 0), sizes);
    }


    /** FPN outputs '0'..'3' (strides 4-32) and 'pool' (stride 64). */
    List<NDArray> features(NDArray x) {
        // inference runs channels-last where InferenceLayout allows (about a quarter off the body, FPN and box head at
        // 800 px). Training keeps the default layout, whose numbers the loss parity tests pin down: channels-last
        // features differ from them by ~1e-6, enough for MobileNet's test to keep 1,296 proposals instead of 1,295
        // and its box loss to move by 7% (in PyTorch 1.13 the layout leaves the losses unchanged); and libtorch
        // 2.7's channels-last weight gradients stray from the default layout's (vgg16: by 10%)
        List<NDArray> c = body.stages(isTraining() ? x : InferenceLayout.of(x));
        int n = c.size();
        NDArray[] results = new NDArray[n];
        NDArray last = inner.get(n - 1).apply(c.get(n - 1));
        results[n - 1] = outer.get(n - 1).apply(last);
        for (int i = n - 2; i >= 0; i--) {
            NDArray lateral = inner.get(i).apply(c.get(i));
            long h = lateral.getShape().get(2);
            long w = lateral.getShape().get(3);
            NDArray top = nearest(last, (int) h, (int) w);
            last = addInto(lateral, top); // the 1x1 conv's output, used nowhere else
            release(top);
            results[i] = outer.get(i).apply(last);
        }
        List<NDArray> out = new ArrayList<>(List.of(results));
        out.add(Functional.maxPool2d(results[n - 1], new int[] {1, 1}, new int[] {2, 2}, new int[] {0, 0}, false));
        return out;
    }

    /** {@code F.interpolate(mode="nearest", size=(h, w))}: source index floor(dst * in / out). */
    private static NDArray nearest(NDArray x, int h, int w) {
        long ih = x.getShape().get(2);
        long iw = x.getShape().get(3);
        if (h == 2 * ih && w == 2 * iw) {
            return Functional.upsampleNearest2x(x);
        }
        long[] ys = new long[h];
        long[] xs = new long[w];
        for (int i = 0; i < h; i++) {
            ys[i] = Math.min(ih - 1, (long) Math.floor(i * ((float) ih / h)));
        }
        for (int i = 0; i < w; i++) {
            xs[i] = Math.min(iw - 1, (long) Math.floor(i * ((float) iw / w)));
        }
        NDManager m = x.getManager();
        return x.get(new ai.djl.ndarray.index.NDIndex(":, :, {}", m.create(ys)))
                .get(new ai.djl.ndarray.index.NDIndex(":, :, :, {}", m.create(xs)));
    }

    /** Anchors of one level with one size: {@code [H * W * 3, 4]}. */
    static float[] anchors(int size, int gridH, int gridW, int strideH, int strideW) {
        return anchors(new int[] {size}, gridH, gridW, strideH, strideW);
    }

    /**
     * Anchors of one level: {@code [H * W * A, 4]}, row-major places; per place torchvision's
     * {@code generate_anchors} order, ratio-major (0.5, 1, 2), then size.
     */
    static float[] anchors(int[] sizes, int gridH, int gridW, int strideH, int strideW) {
        double[] ratios = {0.5, 1.0, 2.0};
        int a = ratios.length * sizes.length;
        float[][] base = new float[a][];
        for (int r = 0; r < ratios.length; r++) {
            float hr = (float) Math.sqrt(ratios[r]);
            float wr = 1 / hr;
            for (int si = 0; si < sizes.length; si++) {
                float ws = wr * sizes[si];
                float hs = hr * sizes[si];
                base[r * sizes.length + si] = new float[] {
                    (float) Math.rint(-ws / 2), (float) Math.rint(-hs / 2), (float) Math.rint(ws / 2),
                    (float) Math.rint(hs / 2)};
            }
        }
        float[] out = new float[gridH * gridW * a * 4];
        int k = 0;
        for (int y = 0; y < gridH; y++) {
            for (int x = 0; x < gridW; x++) {
                for (int j = 0; j < a; j++) {
                    out[k++] = x * strideW + base[j][0];
                    out[k++] = y * strideH + base[j][1];
                    out[k++] = x * strideW + base[j][2];
                    out[k++] = y * strideH + base[j][3];
                }
            }
        }
        return out;
    }

    /** What the RPN head gave for a batch: objectness {@code [N, A]}, deltas {@code [N, A, 4]}, anchors. */
    record RpnOut(NDArray objectness, NDArray deltas, NDArray anchors, List<Integer> counts) {}

    /** Proposals per image (RPN in evaluation). */
    List<NDArray> proposals(Batch batch, List<NDArray> feats) {
        return filter(batch, rpnHead(batch, feats), rpnPreNms, rpnPostNms);
    }

    RpnOut rpnHead(Batch batch, List<NDArray> feats) {
        NDManager m = batch.images().getManager();
        int n = (int) batch.images().getShape().get(0);
        int imgH = (int) batch.images().getShape().get(2);
        int imgW = (int) batch.images().getShape().get(3);
        List<NDArray> obj = new ArrayList<>();
        List<NDArray> deltas = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        List<float[]> anchorList = new ArrayList<>();
        for (int l = 0; l < feats.size(); l++) {
            NDArray f = feats.get(l);
            NDArray t = Functional.relu(rpnConv.apply(f));
            NDArray o = rpnCls.apply(t); // [N, A, H, W]
            NDArray d = rpnBox.apply(t); // [N, 4A, H, W]
            int h = (int) f.getShape().get(2);
            int w = (int) f.getShape().get(3);
            obj.add(o.transpose(0, 2, 3, 1).reshape(n, -1));
            deltas.add(d.reshape(n, anchorsPerPlace, 4, h, w).transpose(0, 3, 4, 1, 2).reshape(n, -1, 4));
            counts.add(h * w * anchorsPerPlace);
            anchorList.add(anchors(anchorSizes[l], h, w, imgH / h, imgW / w));
        }
        NDArray objectness = NDArrays.concat(new NDList(obj), 1);
        NDArray boxDeltas = NDArrays.concat(new NDList(deltas), 1);
        int total = counts.stream().mapToInt(Integer::intValue).sum();
        float[] anc = new float[total * 4];
        int off = 0;
        for (float[] a : anchorList) {
            System.arraycopy(a, 0, anc, off, a.length);
            off += a.length;
        }
        NDArray anchorArr = m.create(anc, new Shape(total, 4));
        return new RpnOut(objectness, boxDeltas, anchorArr, counts);
    }

    /** The RPN's proposal filter: per level top-k, clip, small boxes out, NMS per level at 0.7, top-k overall. */
    List<NDArray> filter(Batch batch, RpnOut rpn, int preNms, int postNms) {
        NDManager m = batch.images().getManager();
        int n = (int) batch.images().getShape().get(0);
        List<Integer> counts = rpn.counts();
        BoxCoder coder = BoxCoder.rpn();
        List<NDArray> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            NDArray props = coder.decode(rpn.deltas().get(i).stopGradient(), rpn.anchors()); // [total, 4]
            NDArray ob = rpn.objectness().get(i).stopGradient();
            // top pre-NMS per level
            List<NDArray> idx = new ArrayList<>();
            List<Integer> lvlOf = new ArrayList<>();
            int start = 0;
            for (int l = 0; l < counts.size(); l++) {
                int c = counts.get(l);
                int k = Math.min(preNms, c);
                NDArray top = ob.get(start + ":" + (start + c)).argSort(0, false).get(":" + k).add(start);
                idx.add(top);
                for (int j = 0; j < k; j++) {
                    lvlOf.add(l);
                }
                start += c;
            }
            NDArray keepIdx = NDArrays.concat(new NDList(idx), 0);
            NDArray boxes = props.get(keepIdx);
            NDArray scores = Functional.sigmoid(ob.get(keepIdx));
            NDArray levels = m.create(lvlOf.stream().mapToLong(Integer::longValue).toArray());
            int[] size = batch.sizes()[i];
            boxes = org.lumen.nn.ops.Boxes.clipToImage(boxes, size[0], size[1]);
            NDArray keep = org.lumen.nn.ops.Boxes.removeSmall(boxes, 1e-3);
            boxes = boxes.get(keep);
            scores = scores.get(keep);
            levels = levels.get(keep);
            NDArray kept = Nms.batchedNms(boxes, scores, levels, 0.7);
            long k = Math.min(postNms, kept.getShape().get(0));
            out.add(boxes.get(kept.get(":" + k)));
        }
        return out;
    }

    /**
     * torchvision's {@code MultiScaleRoIAlign} over the body's FPN levels ('0'..'3' or '0', '1'; sampling ratio 2, not aligned): each box
     * (per image, in transformed-image pixels) pooled to {@code out x out} from the level its size maps to, in box
     * order. The levels' scales come from the largest transformed image, as torchvision's {@code setup_scales}.
     */
    NDArray pool(Batch batch, List<NDArray> feats, List<NDArray> boxesPerImage, int outSize) {
        Pooled p = pooledByLevel(batch, feats, boxesPerImage, outSize);
        return p.pooled().get(p.rows());
    }

    /**
     * RoIAlign'd boxes in level order (level 0's first, each level's in box order), and for each box, in box
     * order, its row there: a head that treats rows independently runs on them as they are and gathers its (much
     * smaller) outputs back into box order, instead of the pooled tensor being reordered (at 800 pixels, 1000
     * proposals pooled to 256x7x7 are 50 MB).
     */
    record Pooled(NDArray pooled, NDArray rows) {}

    Pooled pooledByLevel(Batch batch, List<NDArray> feats, List<NDArray> boxesPerImage, int outSize) {
        NDManager m = batch.images().getManager();
        int maxH = 0;
        int maxW = 0;
        for (int[] s : batch.sizes()) {
            maxH = Math.max(maxH, s[0]);
            maxW = Math.max(maxW, s[1]);
        }
        // torchvision's box_roi_pool names '0'..'3': the body's levels present (the max-pooled one never)
        int levels = body.channels().length;
        double[] scales = new double[levels];
        for (int l = 0; l < levels; l++) {
            double approx = (double) feats.get(l).getShape().get(2) / maxH;
            scales[l] = Math.pow(2, Math.round(Math.log(approx) / Math.log(2)));
        }
        int kMin = (int) -Math.round(Math.log(scales[0]) / Math.log(2));
        int kMax = (int) -Math.round(Math.log(scales[levels - 1]) / Math.log(2));
        LevelMapper mapper = new LevelMapper(kMin, kMax);
        List<NDArray> rois = new ArrayList<>();
        for (int i = 0; i < boxesPerImage.size(); i++) {
            NDArray p = boxesPerImage.get(i);
            NDArray idx = m.full(new Shape(p.getShape().get(0), 1), (float) i);
            rois.add(idx.concat(p, 1));
        }
        NDArray allRois = NDArrays.concat(new NDList(rois), 0);
        NDArray allBoxes = NDArrays.concat(new NDList(boxesPerImage), 0);
        long k = allRois.getShape().get(0);
        long[] lv = mapper.levels(allBoxes).toLongArray();
        // pooled per level, then put back in proposal order by a gather (differentiable, unlike an indexed write)
        NDList parts = new NDList();
        long[] order = new long[(int) k];
        int filled = 0;
        for (int l = 0; l < levels; l++) {
            List<Long> sel = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                if (lv[j] == l) {
                    sel.add((long) j);
                }
            }
            if (sel.isEmpty()) {
                continue;
            }
            NDArray s = m.create(sel.stream().mapToLong(Long::longValue).toArray());
            parts.add(RoiAlign.roiAlign(feats.get(l), allRois.get(s), outSize, outSize, scales[l], 2, false));
            for (long j : sel) {
                order[(int) j] = filled++;
            }
        }
        // boxes the mapper sends to a level index past the levels present (it spans kMin..kMax by powers of two,
        // which only fails to match when levels skip a stride) stay zeros, as in torchvision's result tensor
        List<Long> unpooled = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            if (lv[j] >= levels) {
                unpooled.add((long) j);
            }
        }
        if (!unpooled.isEmpty()) {
            long c = feats.get(0).getShape().get(1);
            parts.add(m.zeros(new Shape(unpooled.size(), c, outSize, outSize)));
            for (long j : unpooled) {
                order[(int) j] = filled++;
            }
        }
        // DJL's concat of a single array returns a duplicate cut off from autograd: no concat then (one level
        // pooled, as MobileNetV2's two stride-32 levels always are, lost the RoI heads' gradient into the body)
        NDArray pooled = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
        return new Pooled(pooled, m.create(order));
    }

    /** Class logits {@code [K, classes]} and box deltas {@code [K, 4 * classes]} of proposals per image. */
    NDArray[] boxHead(Batch batch, List<NDArray> feats, List<NDArray> proposals) {
        Pooled pooled = pooledByLevel(batch, feats, proposals, 7);
        long k = pooled.pooled().getShape().get(0);
        NDArray h = Functional.relu(fc6.apply(pooled.pooled().reshape(k, -1)));
        h = Functional.relu(fc7.apply(h));
        return new NDArray[] {clsScore.apply(h).get(pooled.rows()), bboxPred.apply(h).get(pooled.rows())};
    }

    /** Detections per image in the coordinates of the transformed (resized) images; labels 1-based. */
    List<Boxes> roiHeads(Batch batch, List<NDArray> feats, List<NDArray> proposals) {
        NDManager m = batch.images().getManager();
        if (proposals.stream().allMatch(p -> p.getShape().get(0) == 0)) {
            List<Boxes> none = new ArrayList<>();
            for (int i = 0; i < proposals.size(); i++) {
                none.add(Boxes.empty(true));
            }
            return none;
        }
        NDArray allBoxes = NDArrays.concat(new NDList(proposals), 0);
        long k = allBoxes.getShape().get(0);
        NDArray[] head = boxHead(batch, feats, proposals);
        NDArray logits = head[0];
        NDArray deltas = head[1];
        NDArray boxes = BoxCoder.roiHeads().decode(deltas, allBoxes).reshape(k, numClasses, 4);
        NDArray scores = logits.softmax(1);
        List<Boxes> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < proposals.size(); i++) {
            int cnt = (int) proposals.get(i).getShape().get(0);
            int[] size = batch.sizes()[i];
            NDArray b = org.lumen.nn.ops.Boxes.clipToImage(boxes.get(from + ":" + (from + cnt)), size[0], size[1]);
            NDArray sc = scores.get(from + ":" + (from + cnt));
            from += cnt;
            // drop the background, flatten (proposal-major, then class)
            NDArray fb = b.get(":, 1:, :").reshape(-1, 4);
            NDArray fs = sc.get(":, 1:").reshape(-1);
            long[] labels = new long[cnt * (numClasses - 1)];
            for (int j = 0; j < labels.length; j++) {
                labels[j] = j % (numClasses - 1) + 1;
            }
            NDArray fl = m.create(labels);
            NDArray keep = fs.gt((float) boxScoreThresh).nonzero().reshape(-1);
            fb = fb.get(keep);
            fs = fs.get(keep);
            fl = fl.get(keep);
            NDArray small = org.lumen.nn.ops.Boxes.removeSmall(fb, 1e-2);
            fb = fb.get(small);
            fs = fs.get(small);
            fl = fl.get(small);
            NDArray kept = Nms.batchedNms(fb, fs, fl, 0.5);
            long nk = Math.min(detectionsPerImage, kept.getShape().get(0));
            NDArray ki = kept.get(":" + nk);
            float[] xyxy = fb.get(ki).toFloatArray();
            float[] s = fs.get(ki).toFloatArray();
            long[] lab = fl.get(ki).toLongArray();
            double[] bx = new double[xyxy.length];
            for (int j = 0; j < xyxy.length; j++) {
                bx[j] = xyxy[j];
            }
            double[] ds = new double[s.length];
            int[] li = new int[lab.length];
            for (int j = 0; j < s.length; j++) {
                ds[j] = s[j];
                li[j] = (int) lab[j];
            }
            out.add(new Boxes(bx, li, ds));
        }
        return out;
    }

    /**
     * Detections for images {@code [3, H, W]} in [0, 1] (any sizes), in each image's pixels, labels 1-based as
     * torchvision's (0 is the background).
     */
    public List<Boxes> detect(List<NDArray> images) {
        Pass pass = pass(images);
        List<Boxes> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            out.add(toOriginal(pass.dets().get(i), pass.batch().sizes()[i], images.get(i)));
        }
        return out;
    }

    /** One forward pass in evaluation: the transformed batch, its FPN features, detections in its pixels. */
    record Pass(Batch batch, List<NDArray> feats, List<Boxes> dets) {}

    Pass pass(List<NDArray> images) {
        train(false);
        Batch batch = transform(images);
        List<NDArray> feats = features(batch.images());
        List<NDArray> props = proposals(batch, feats);
        return new Pass(batch, feats, roiHeads(batch, feats, props));
    }

    /**
     * torchvision's {@code resize_boxes}: boxes of a transformed image of {@code size} back to the pixels of
     * {@code image} {@code [3, H, W]}, with its float32 ratios and products (the pasted masks' integer corners
     * depend on the last bit).
     */
    static Boxes toOriginal(Boxes b, int[] size, NDArray image) {
        float fy = (float) image.getShape().get(1) / (float) size[0];
        float fx = (float) image.getShape().get(2) / (float) size[1];
        double[] xyxy = new double[b.xyxy().length];
        for (int j = 0; j < xyxy.length; j++) {
            xyxy[j] = (float) b.xyxy()[j] * (j % 2 == 0 ? fx : fy);
        }
        return new Boxes(xyxy, b.labels(), b.scores());
    }

    /** For tests: FPN features of one transformed batch. */
    List<NDArray> featuresOf(List<NDArray> images) {
        return features(transform(images).images());
    }

    /** For tests: the RPN head's objectness and deltas on one level. */
    float[][] headOf(NDArray f) {
        NDArray t = Functional.relu(rpnConv.apply(f));
        return new float[][] {rpnCls.apply(t).toFloatArray(), rpnBox.apply(t).toFloatArray()};
    }

    /** For tests: RPN proposals of a batch. */
    List<NDArray> proposalsOf(List<NDArray> images) {
        Batch b = transform(images);
        return proposals(b, features(b.images()));
    }
}
