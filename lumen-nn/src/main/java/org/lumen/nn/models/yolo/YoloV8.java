package org.lumen.nn.models.yolo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.LumenException;
import org.lumen.nn.layers.BatchNorm2d;
import org.lumen.nn.layers.Conv2d;
import org.lumen.nn.layers.ConvTranspose2d;
import org.lumen.nn.layers.Sequential;
import org.lumen.nn.module.Module;
import org.lumen.nn.module.Parameter;
import org.lumen.nn.ops.Functional;
import org.lumen.nn.ops.InferenceLayout;

/**
 * A YOLOv8 detection network laid out as Ultralytics' {@code DetectionModel} builds {@code yolov8.yaml}, with
 * its parameter names ({@code model.0.conv.weight}, {@code model.22.cv2.0.0.conv.weight},
 * {@code model.22.dfl.conv.weight}), so that a state dict maps one to one. Ultralytics is not installed here,
 * so the layout is checked by the published parameter counts (yolov8n: 3,157,200 at 80 classes) and by
 * block-level tests, not against Ultralytics itself.
 *
 * <p>Backbone: Conv (stride 2) x 2, C2f, Conv, C2f, Conv, C2f, Conv, C2f, SPPF (layers 0-9); PAN neck with
 * nearest 2x upsampling and concatenation (10-21); the anchor-free decoupled head on strides 8, 16, 32 (22).
 * Sizes scale channels by {@code width} (rounded to a multiple of 8, capped before scaling at 1024 for n and s,
 * 768 for m) and the C2f repeats by {@code depth}: n = (0.33, 0.25), s = (0.33, 0.50), m = (0.67, 0.75).
 *
 * <p>{@link #createSegment} builds YOLOv8-seg instead: the same network whose layer 22 is Ultralytics'
 * {@code Segment} head ({@link SegmentHead}: the detection head plus mask coefficients and prototypes).
 *
 * <p>Initialisation as Ultralytics': PyTorch's default for convolutions, batch norm with eps 1e-3 and momentum
 * 0.03, and the head's last biases set so that training from scratch starts sensibly: 1.0 for the box
 * distribution, {@code log(5 / nc / (640 / stride)^2)} for the classes (about 5 objects per 640-pixel image).
 */
public final class YoloV8 extends Module {
    public static final int REG_MAX = 16;
    public static final int[] STRIDES = {8, 16, 32};
    /** Mask coefficients per detection (Ultralytics' {@code nm}) of the segmentation variant. */
    public static final int NUM_MASKS = 32;

    private final String size;
    private final int numClasses;
    private final Sequential model = new Sequential();
    private final Module[] layers = new Module[23];
    private final Head head;
    private final boolean segment;

    private YoloV8(String size, int numClasses, double depth, double width, int maxChannels, boolean segment) {
        this.segment = segment;
        this.size = size;
        this.numClasses = numClasses;
        int c64 = ch(64, width, maxChannels);
        int c128 = ch(128, width, maxChannels);
        int c256 = ch(256, width, maxChannels);
        int c512 = ch(512, width, maxChannels);
        int c1024 = ch(1024, width, maxChannels);
        int n3 = reps(3, depth);
        int n6 = reps(6, depth);
        put(0, new Conv(3, c64, 3, 2));
        put(1, new Conv(c64, c128, 3, 2));
        put(2, new C2f(c128, c128, n3, true));
        put(3, new Conv(c128, c256, 3, 2));
        put(4, new C2f(c256, c256, n6, true));
        put(5, new Conv(c256, c512, 3, 2));
        put(6, new C2f(c512, c512, n6, true));
        put(7, new Conv(c512, c1024, 3, 2));
        put(8, new C2f(c1024, c1024, n3, true));
        put(9, new Sppf(c1024, c1024));
        put(12, new C2f(c1024 + c512, c512, n3, false));
        put(15, new C2f(c512 + c256, c256, n3, false));
        put(16, new Conv(c256, c256, 3, 2));
        put(18, new C2f(c256 + c512, c512, n3, false));
        put(19, new Conv(c512, c512, 3, 2));
        put(21, new C2f(c512 + c1024, c1024, n3, false));
        int[] headCh = {c256, c512, c1024};
        head = segment ? new SegmentHead(numClasses, NUM_MASKS, ch(256, width, maxChannels), headCh)
                : new Head(numClasses, headCh);
        put(22, head);
        register("model", model);
    }

    /** {@code yolov8n}, {@code yolov8s} or {@code yolov8m} for {@code numClasses} classes. */
    public static YoloV8 create(String size, int numClasses) {
        return create(size, numClasses, false);
    }

    /**
     * {@code yolov8n-seg}, {@code yolov8s-seg} or {@code yolov8m-seg}: the same network whose head is
     * Ultralytics' {@code Segment} (see {@link SegmentHead}).
     */
    public static YoloV8 createSegment(String size, int numClasses) {
        return create(size, numClasses, true);
    }

    private static YoloV8 create(String size, int numClasses, boolean segment) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be at least 1, got " + numClasses);
        }
        return switch (size) {
            case "n" -> new YoloV8("n", numClasses, 0.33, 0.25, 1024, segment);
            case "s" -> new YoloV8("s", numClasses, 0.33, 0.50, 1024, segment);
            case "m" -> new YoloV8("m", numClasses, 0.67, 0.75, 768, segment);
            default -> throw LumenException.setting("arch", "unknown YOLOv8 size '" + size + "' (n, s, m)");
        };
    }

    /**
     * A YOLOv8 at any of Ultralytics' scale multiples ({@code depth_multiple}, {@code width_multiple}; n is 0.33 and
     * 0.25; channels capped at 1024), for scales the yaml does not name (a narrow network for tests or tiny images).
     */
    public static YoloV8 create(String name, int numClasses, double depth, double width) {
        if (numClasses < 1 || !(depth > 0) || !(width > 0)) {
            throw new IllegalArgumentException("need numClasses >= 1 and positive multiples, got " + numClasses + ", "
                    + depth + ", " + width);
        }
        return new YoloV8(name, numClasses, depth, width, 1024, false);
    }

    /** Ultralytics' {@code make_divisible(min(c, max_channels) * width, 8)} (max_channels 1024 for n and s, 768 for m). */
    static int ch(int c, double width, int maxChannels) {
        return (int) Math.ceil(Math.min(c, maxChannels) * width / 8) * 8;
    }

    /** Ultralytics' {@code max(round(n * depth), 1)} for n > 1. */
    static int reps(int n, double depth) {
        return n > 1 ? Math.max((int) Math.round(n * depth), 1) : n;
    }

    private void put(int index, Module m) {
        layers[index] = m;
        model.add(Integer.toString(index), m);
    }

    /**
     * The layout {@code net} runs {@code images} in: channels-last at inference (libtorch's oneDNN convolutions then
     * skip two reorders each; 15-20% off a yolov8n/s pass at 640 px) where {@link InferenceLayout} allows it, as given in
     * training, whose numbers the loss parity tests pin down (libtorch 2.7's channels-last backward differs from
     * the default layout's, by up to 10% on vgg16, which is why nothing that back-propagates runs in it).
     */
    static NDArray inferenceLayout(YoloV8 net, NDArray images) {
        return net.isTraining() ? images : InferenceLayout.of(images);
    }

    public String size() {
        return size;
    }

    public int numClasses() {
        return numClasses;
    }

    /** Whether the head is the segmentation one (mask coefficients and prototypes). */
    public boolean isSegment() {
        return segment;
    }

    /**
     * Outputs per level, {@code [N, 4 * REG_MAX + nc, H / s, W / s]} for strides 8, 16, 32; the segmentation
     * variant appends {@link #NUM_MASKS} mask coefficients: {@code [N, 4 * REG_MAX + nc + 32, H / s, W / s]}.
     */
    public List<NDArray> levels(NDArray x) {
        return head.levels(neck(x));
    }

    /**
     * The segmentation variant's outputs: {@code pred [N, 4 * REG_MAX + nc + 32, A]} (anchors of the three levels
     * in order, as {@link #forward}) and the prototypes {@code [N, 32, H / 4, W / 4]}.
     */
    public SegmentOutput segmentOutputs(NDArray x) {
        if (!segment) {
            throw new IllegalStateException("yolov8" + size + " has no segmentation head");
        }
        List<NDArray> feats = neck(x);
        NDArray proto = ((SegmentHead) head).proto.apply(feats.get(0));
        return new SegmentOutput(flatten(head.levels(feats), x.getShape().get(0)), proto);
    }

    /** Predictions and prototypes of the segmentation variant. */
    public record SegmentOutput(NDArray pred, NDArray proto) {}

    private List<NDArray> neck(NDArray x) {
        NDArray x2 = consume(layers[2], consume(layers[1], layers[0].apply(x)));
        NDArray p3 = consume(layers[4], consume(layers[3], x2)); // kept: the neck concatenates it
        NDArray p4 = consume(layers[6], layers[5].apply(p3));
        NDArray p5 = consume(layers[9], consume(layers[8], layers[7].apply(p4)));
        NDArray up5 = Functional.upsampleNearest2x(p5);
        NDArray h12 = layers[12].apply(NDArrays.concat(new NDList(up5, p4), 1));
        NDArray up12 = Functional.upsampleNearest2x(h12);
        NDArray h15 = layers[15].apply(NDArrays.concat(new NDList(up12, p3), 1));
        NDArray h18 = layers[18].apply(NDArrays.concat(new NDList(layers[16].apply(h15), h12), 1));
        NDArray h21 = layers[21].apply(NDArrays.concat(new NDList(layers[19].apply(h18), p5), 1));
        return List.of(h15, h18, h21);
    }

    @Override
    protected NDArray forward(NDArray x) {
        return flatten(levels(x), x.getShape().get(0));
    }

    private static NDArray flatten(List<NDArray> out, long n) {
        NDList flat = new NDList();
        for (NDArray o : out) {
            flat.add(o.reshape(n, o.getShape().get(1), -1));
        }
        return NDArrays.concat(flat, 2);
    }

    @Override
    public void initialize(NDManager manager, long seed) {
        super.initialize(manager, seed);
        head.initBiases(manager);
    }

    /** Conv2d (no bias) + BatchNorm2d (eps 1e-3, momentum 0.03) + SiLU; names {@code conv}, {@code bn}. */
    static final class Conv extends Module {
        private final Module conv;
        private final Module bn;

        Conv(int in, int out, int k, int stride) {
            conv = register("conv", new Conv2d(in, out, k, stride, k / 2, 1, false));
            bn = register("bn", new BatchNorm2d(out, 1e-3, 0.03));
        }

        @Override
        protected NDArray forward(NDArray x) {
            return consume(Functional::silu, consume(bn, conv.apply(x)));
        }
    }

    /** Two 3x3 Convs, with the input added when {@code shortcut} and the channels agree. */
    static final class Bottleneck extends Module {
        private final Module cv1;
        private final Module cv2;
        private final boolean add;

        Bottleneck(int in, int out, boolean shortcut) {
            cv1 = register("cv1", new Conv(in, out, 3, 1));
            cv2 = register("cv2", new Conv(out, out, 3, 1));
            add = shortcut && in == out;
        }

        @Override
        protected NDArray forward(NDArray x) {
            NDArray y = consume(cv2, cv1.apply(x));
            return add ? consume(x::add, y) : y;
        }
    }

    /** CSP bottleneck with two convolutions: split, n bottlenecks on the second half, concatenate all. */
    static final class C2f extends Module {
        private final Module cv1;
        private final Module cv2;
        private final List<Module> m = new ArrayList<>();

        C2f(int in, int out, int n, boolean shortcut) {
            int c = out / 2;
            cv1 = register("cv1", new Conv(in, 2 * c, 1, 1));
            cv2 = register("cv2", new Conv((2 + n) * c, out, 1, 1));
            Sequential list = register("m", new Sequential());
            for (int i = 0; i < n; i++) {
                Bottleneck b = new Bottleneck(c, c, shortcut);
                list.add(b);
                m.add(b);
            }
        }

        @Override
        protected NDArray forward(NDArray x) {
            NDArray a = cv1.apply(x);
            NDList ys = a.split(2, 1);
            NDList all = new NDList(ys.get(0), ys.get(1));
            NDArray last = ys.get(1);
            for (Module b : m) {
                last = b.apply(last);
                all.add(last);
            }
            NDArray cat = NDArrays.concat(all, 1);
            return consume(cv2, cat);
        }
    }

    /** Spatial pyramid pooling, fast: three chained 5x5 max pools, concatenated. */
    static final class Sppf extends Module {
        private final Module cv1;
        private final Module cv2;

        Sppf(int in, int out) {
            int c = in / 2;
            cv1 = register("cv1", new Conv(in, c, 1, 1));
            cv2 = register("cv2", new Conv(4 * c, out, 1, 1));
        }

        @Override
        protected NDArray forward(NDArray x) {
            NDArray y0 = cv1.apply(x);
            NDArray y1 = pool(y0);
            NDArray y2 = pool(y1);
            NDArray y3 = pool(y2);
            return consume(cv2, NDArrays.concat(new NDList(y0, y1, y2, y3), 1));
        }

        private static NDArray pool(NDArray x) {
            return Functional.maxPool2d(x, new int[] {5, 5}, new int[] {1, 1}, new int[] {2, 2}, false);
        }
    }

    /**
     * The decoupled head: per level, a box branch {@code cv2} (two 3x3 Convs, then a 1x1 convolution to
     * {@code 4 * REG_MAX} bins) and a class branch {@code cv3} (two 3x3 Convs, then 1x1 to {@code nc}), and the
     * fixed distribution-focal integral {@code dfl} (a 1x1 convolution with weights 0..15, never trained).
     */
    static class Head extends Module {
        private final int nc;
        private final List<Sequential> box = new ArrayList<>();
        private final List<Sequential> cls = new ArrayList<>();

        Head(int nc, int[] ch) {
            this.nc = nc;
            int c2 = Math.max(Math.max(16, ch[0] / 4), REG_MAX * 4);
            int c3 = Math.max(ch[0], Math.min(nc, 100));
            Sequential cv2 = register("cv2", new Sequential());
            Sequential cv3 = register("cv3", new Sequential());
            for (int c : ch) {
                Sequential b = new Sequential(new Conv(c, c2, 3, 1), new Conv(c2, c2, 3, 1),
                        new Conv2d(c2, 4 * REG_MAX, 1, 1, 0, 1, true));
                Sequential k = new Sequential(new Conv(c, c3, 3, 1), new Conv(c3, c3, 3, 1),
                        new Conv2d(c3, nc, 1, 1, 0, 1, true));
                cv2.add(b);
                cv3.add(k);
                box.add(b);
                cls.add(k);
            }
            Sequential dfl = register("dfl", new Sequential());
            Conv2d integral = new Conv2d(REG_MAX, 1, 1, 1, 0, 1, 1, false, (shape, random) -> {
                float[] v = new float[REG_MAX];
                for (int i = 0; i < REG_MAX; i++) {
                    v[i] = i;
                }
                return v;
            });
            dfl.add("conv", integral);
            integral.setFrozen(true);
        }

        List<NDArray> levels(List<NDArray> feats) {
            List<NDArray> out = new ArrayList<>();
            for (int i = 0; i < feats.size(); i++) {
                NDArray b = box.get(i).apply(feats.get(i));
                NDArray k = cls.get(i).apply(feats.get(i));
                NDArray e = extra(i, feats.get(i));
                out.add(NDArrays.concat(e == null ? new NDList(b, k) : new NDList(b, k, e), 1));
                release(b);
                release(k);
                if (e != null) {
                    release(e);
                }
            }
            return out;
        }

        /** Further channels a subclass appends to level {@code i}'s output (none here). */
        NDArray extra(int i, NDArray feat) {
            return null;
        }

        void initBiases(NDManager manager) {
            for (int i = 0; i < box.size(); i++) {
                Parameter bb = ((Conv2d) box.get(i).get(2)).stateDict().get("bias");
                float[] ones = new float[4 * REG_MAX];
                java.util.Arrays.fill(ones, 1f);
                replace(bb, manager.create(ones, new Shape(4 * REG_MAX)));
                Parameter cb = ((Conv2d) cls.get(i).get(2)).stateDict().get("bias");
                float[] prior = new float[nc];
                double s = STRIDES[i];
                java.util.Arrays.fill(prior, (float) Math.log(5.0 / nc / Math.pow(640 / s, 2)));
                replace(cb, manager.create(prior, new Shape(nc)));
            }
        }

        private static void replace(Parameter p, NDArray v) {
            p.setValue(v); // closes the old value
        }

        @Override
        protected NDArray forward(NDArray x) {
            throw new UnsupportedOperationException("the head takes three levels; call levels()");
        }
    }

    /**
     * Ultralytics' {@code Segment} head: the detection head above plus, per level, a mask-coefficient branch
     * {@code cv4} (two 3x3 Convs of {@code c4 = max(ch[0] / 4, nm)} channels, then a 1x1 convolution with bias to
     * {@code nm}), and the prototype branch {@code proto} on the stride-8 features. {@code npr} is the yaml's 256
     * scaled by the width like any channel count (64 for n, 128 for s, 192 for m).
     */
    static final class SegmentHead extends Head {
        final Proto proto;
        private final List<Sequential> coef = new ArrayList<>();

        SegmentHead(int nc, int nm, int npr, int[] ch) {
            super(nc, ch);
            proto = register("proto", new Proto(ch[0], npr, nm));
            int c4 = Math.max(ch[0] / 4, nm);
            Sequential cv4 = register("cv4", new Sequential());
            for (int c : ch) {
                Sequential s = new Sequential(new Conv(c, c4, 3, 1), new Conv(c4, c4, 3, 1),
                        new Conv2d(c4, nm, 1, 1, 0, 1, true));
                cv4.add(s);
                coef.add(s);
            }
        }

        @Override
        NDArray extra(int i, NDArray feat) {
            return coef.get(i).apply(feat);
        }
    }

    /**
     * Ultralytics' {@code Proto}: Conv 3x3 ({@code c1 -> c_}), a learned 2x upsampling (ConvTranspose2d, kernel 2,
     * stride 2, with bias), Conv 3x3 ({@code c_ -> c_}), Conv 1x1 ({@code c_ -> nm}); every Conv with batch norm
     * and SiLU. Output at stride 4.
     */
    static final class Proto extends Module {
        private final Module cv1;
        private final Module upsample;
        private final Module cv2;
        private final Module cv3;

        Proto(int c1, int c, int nm) {
            cv1 = register("cv1", new Conv(c1, c, 3, 1));
            upsample = register("upsample", new ConvTranspose2d(c, c, 2, true));
            cv2 = register("cv2", new Conv(c, c, 3, 1));
            cv3 = register("cv3", new Conv(c, nm, 1, 1));
        }

        @Override
        protected NDArray forward(NDArray x) {
            return consume(cv3, consume(cv2, consume(upsample, cv1.apply(x))));
        }
    }
}
