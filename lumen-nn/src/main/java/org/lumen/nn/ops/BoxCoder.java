package org.lumen.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

/**
 * torchvision's {@code detection._utils.BoxCoder}: boxes as weighted offsets from reference boxes (proposals or
 * anchors), {@code dx = wx (cx - cx_ref) / w_ref}, {@code dw = ww log(w / w_ref)} and likewise for y and h, in the
 * same order of float operations. Decoding clamps {@code dw, dh} (after dividing by the weights) at
 * {@code bboxXformClip}, by default {@code log(1000 / 16)}, so that an untrained head cannot produce overflowing
 * boxes. Composed of NDArray operations: differentiable.
 */
public final class BoxCoder {
    /** torchvision's default clamp for {@code dw, dh}: {@code log(1000 / 16)}. */
    public static final double DEFAULT_XFORM_CLIP = Math.log(1000.0 / 16);

    private final double wx, wy, ww, wh;
    private final double bboxXformClip;

    /** With torchvision's default clamp. Faster R-CNN uses weights (1, 1, 1, 1) in the RPN, (10, 10, 5, 5) in the RoI heads. */
    public BoxCoder(double wx, double wy, double ww, double wh) {
        this(wx, wy, ww, wh, DEFAULT_XFORM_CLIP);
    }

    public BoxCoder(double wx, double wy, double ww, double wh, double bboxXformClip) {
        this.wx = wx;
        this.wy = wy;
        this.ww = ww;
        this.wh = wh;
        this.bboxXformClip = bboxXformClip;
    }

    /** The RPN's coder: weights (1, 1, 1, 1). */
    public static BoxCoder rpn() {
        return new BoxCoder(1, 1, 1, 1);
    }

    /** The RoI heads' coder: weights (10, 10, 5, 5). */
    public static BoxCoder roiHeads() {
        return new BoxCoder(10, 10, 5, 5);
    }

    /**
     * {@code encode_single}: the offsets of {@code referenceBoxes} (the targets, e.g. matched ground truth) from
     * {@code proposals}, both {@code [N, 4]} xyxy; returns {@code [N, 4]} {@code (dx, dy, dw, dh)} in the reference
     * boxes' dtype.
     */
    public NDArray encode(NDArray referenceBoxes, NDArray proposals) {
        DataType type = referenceBoxes.getDataType();
        NDArray px1 = proposals.get(":, 0:1"), py1 = proposals.get(":, 1:2");
        NDArray px2 = proposals.get(":, 2:3"), py2 = proposals.get(":, 3:4");
        NDArray rx1 = referenceBoxes.get(":, 0:1"), ry1 = referenceBoxes.get(":, 1:2");
        NDArray rx2 = referenceBoxes.get(":, 2:3"), ry2 = referenceBoxes.get(":, 3:4");
        NDArray exW = px2.sub(px1), exH = py2.sub(py1);
        NDArray exCx = px1.add(exW.mul(half(type))), exCy = py1.add(exH.mul(half(type)));
        NDArray gtW = rx2.sub(rx1), gtH = ry2.sub(ry1);
        NDArray gtCx = rx1.add(gtW.mul(half(type))), gtCy = ry1.add(gtH.mul(half(type)));
        NDArray dx = gtCx.sub(exCx).mul(scalar(wx, type)).div(exW);
        NDArray dy = gtCy.sub(exCy).mul(scalar(wy, type)).div(exH);
        NDArray dw = gtW.div(exW).log().mul(scalar(ww, type));
        NDArray dh = gtH.div(exH).log().mul(scalar(wh, type));
        return NDArrays.concat(new NDList(dx, dy, dw, dh), 1);
    }

    /**
     * {@code decode_single}: boxes from offsets. {@code relCodes [N, 4 * C]} holds one {@code (dx, dy, dw, dh)} per
     * class (C = 1 for the RPN), {@code boxes [N, 4]} the reference boxes (cast to the codes' dtype); returns
     * {@code [N, 4 * C]} xyxy boxes, class by class.
     */
    public NDArray decode(NDArray relCodes, NDArray boxes) {
        DataType type = relCodes.getDataType();
        NDArray b = boxes.toType(type, false);
        NDArray widths = b.get(":, 2").sub(b.get(":, 0")).expandDims(1);
        NDArray heights = b.get(":, 3").sub(b.get(":, 1")).expandDims(1);
        NDArray ctrX = b.get(":, 0").expandDims(1).add(widths.mul(half(type)));
        NDArray ctrY = b.get(":, 1").expandDims(1).add(heights.mul(half(type)));
        Number clip = scalar(bboxXformClip, type);
        NDArray dx = relCodes.get(":, 0::4").div(scalar(wx, type));
        NDArray dy = relCodes.get(":, 1::4").div(scalar(wy, type));
        NDArray dw = relCodes.get(":, 2::4").div(scalar(ww, type)).minimum(clip);
        NDArray dh = relCodes.get(":, 3::4").div(scalar(wh, type)).minimum(clip);
        NDArray predCx = dx.mul(widths).add(ctrX);
        NDArray predCy = dy.mul(heights).add(ctrY);
        NDArray halfW = dw.exp().mul(widths).mul(half(type));
        NDArray halfH = dh.exp().mul(heights).mul(half(type));
        NDArray stacked = NDArrays.stack(new NDList(predCx.sub(halfW), predCy.sub(halfH), predCx.add(halfW),
                predCy.add(halfH)), 2);
        return stacked.reshape(stacked.getShape().get(0), -1);
    }

    private static Number half(DataType type) {
        return scalar(0.5, type);
    }

    /** A Python float meets a tensor in the tensor's dtype. */
    private static Number scalar(double v, DataType type) {
        return type == DataType.FLOAT64 ? (Number) v : (Number) (float) v;
    }
}
