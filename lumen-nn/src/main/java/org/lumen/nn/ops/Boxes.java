package org.lumen.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Box arithmetic on {@code float[N, 4]} arrays, with torchvision 0.14's semantics ({@code torchvision.ops.boxes})
 * and its order of floating-point operations, so results agree bit for bit up to libtorch's own kernels. Boxes
 * are {@code (x1, y1, x2, y2)} unless a {@link BoxFormat} says otherwise; they are expected to satisfy
 * {@code x1 <= x2, y1 <= y2} (nothing is checked: a degenerate box has zero area, and an IoU with zero union is
 * NaN, as in torchvision). Every result is composed of NDArray operations, so gradients flow through it.
 */
public final class Boxes {
    private Boxes() {}

    /** {@code box_area}: {@code (x2 - x1) * (y2 - y1)}, shape {@code [N]}. */
    public static NDArray area(NDArray boxes) {
        return boxes.get(":, 2").sub(boxes.get(":, 0")).mul(boxes.get(":, 3").sub(boxes.get(":, 1")));
    }

    /** {@code box_iou}: intersection over union of every box of {@code a [N, 4]} with every box of {@code b [M, 4]}, {@code [N, M]}. */
    public static NDArray iou(NDArray a, NDArray b) {
        NDArray[] interUnion = interUnion(a, b);
        return interUnion[0].div(interUnion[1]);
    }

    /**
     * {@code generalized_box_iou}: IoU minus the fraction of the smallest enclosing box not covered by the union,
     * in [-1, 1]; {@code [N, M]}.
     */
    public static NDArray generalizedIou(NDArray a, NDArray b) {
        NDArray[] interUnion = interUnion(a, b);
        NDArray union = interUnion[1];
        NDArray iou = interUnion[0].div(union);
        NDArray a1 = a.expandDims(1);
        NDArray lt = a1.get(":, :, :2").minimum(b.get(":, :2"));
        NDArray rb = a1.get(":, :, 2:").maximum(b.get(":, 2:"));
        NDArray wh = rb.sub(lt).maximum(0f);
        NDArray enclosing = wh.get(":, :, 0").mul(wh.get(":, :, 1"));
        return iou.sub(enclosing.sub(union).div(enclosing));
    }

    /** Intersection and union areas, {@code [N, M]} each, as torchvision's {@code _box_inter_union}. */
    private static NDArray[] interUnion(NDArray a, NDArray b) {
        NDArray areaA = area(a);
        NDArray areaB = area(b);
        NDArray a1 = a.expandDims(1);
        NDArray lt = a1.get(":, :, :2").maximum(b.get(":, :2"));
        NDArray rb = a1.get(":, :, 2:").minimum(b.get(":, 2:"));
        NDArray wh = rb.sub(lt).maximum(0f);
        NDArray inter = wh.get(":, :, 0").mul(wh.get(":, :, 1"));
        NDArray union = areaA.expandDims(1).add(areaB).sub(inter);
        return new NDArray[] {inter, union};
    }

    /**
     * {@code box_convert}: boxes {@code [..., 4]} from one layout to another (a copy when they are the same). Between
     * the two non-corner layouts it goes through {@link BoxFormat#XYXY}, as torchvision does.
     */
    public static NDArray convert(NDArray boxes, BoxFormat from, BoxFormat to) {
        if (from == to) {
            return boxes.duplicate();
        }
        NDArray xyxy = switch (from) {
            case XYXY -> boxes;
            case XYWH -> xywhToXyxy(boxes);
            case CXCYWH -> cxcywhToXyxy(boxes);
        };
        return switch (to) {
            case XYXY -> xyxy;
            case XYWH -> xyxyToXywh(xyxy);
            case CXCYWH -> xyxyToCxcywh(xyxy);
        };
    }

    private static NDArray xywhToXyxy(NDArray b) {
        NDArray x = b.get("..., 0"), y = b.get("..., 1");
        return stack(x, y, x.add(b.get("..., 2")), y.add(b.get("..., 3")));
    }

    private static NDArray cxcywhToXyxy(NDArray b) {
        NDArray cx = b.get("..., 0"), cy = b.get("..., 1");
        NDArray halfW = b.get("..., 2").mul(0.5f), halfH = b.get("..., 3").mul(0.5f);
        return stack(cx.sub(halfW), cy.sub(halfH), cx.add(halfW), cy.add(halfH));
    }

    private static NDArray xyxyToXywh(NDArray b) {
        NDArray x1 = b.get("..., 0"), y1 = b.get("..., 1");
        return stack(x1, y1, b.get("..., 2").sub(x1), b.get("..., 3").sub(y1));
    }

    private static NDArray xyxyToCxcywh(NDArray b) {
        NDArray x1 = b.get("..., 0"), y1 = b.get("..., 1"), x2 = b.get("..., 2"), y2 = b.get("..., 3");
        return stack(x1.add(x2).div(2f), y1.add(y2).div(2f), x2.sub(x1), y2.sub(y1));
    }

    private static NDArray stack(NDArray c0, NDArray c1, NDArray c2, NDArray c3) {
        return NDArrays.stack(new NDList(c0, c1, c2, c3), -1);
    }

    /**
     * {@code clip_boxes_to_image}: x coordinates clamped to {@code [0, width]}, y to {@code [0, height]}; boxes
     * {@code [..., 4]}.
     */
    public static NDArray clipToImage(NDArray boxes, int height, int width) {
        NDArray low = boxes.getManager().zeros(new Shape(4), boxes.getDataType());
        NDArray high = boxes.getManager().create(new float[] {width, height, width, height}).toType(boxes.getDataType(),
                false);
        return boxes.maximum(low).minimum(high);
    }

    /**
     * {@code remove_small_boxes}: indices (int64, ascending) of the boxes whose width and height are both at
     * least {@code minSize}.
     */
    public static NDArray removeSmall(NDArray boxes, double minSize) {
        NDArray ws = boxes.get(":, 2").sub(boxes.get(":, 0"));
        NDArray hs = boxes.get(":, 3").sub(boxes.get(":, 1"));
        // torch compares with the scalar cast to the boxes' dtype
        Number min = boxes.getDataType() == DataType.FLOAT64 ? (Number) minSize : (Number) (float) minSize;
        NDArray keep = ws.gte(min).logicalAnd(hs.gte(min));
        return keep.nonzero().reshape(-1).toType(DataType.INT64, false);
    }
}
