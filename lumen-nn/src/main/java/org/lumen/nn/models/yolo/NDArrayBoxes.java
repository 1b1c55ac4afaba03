package org.lumen.nn.models.yolo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.lumen.nn.ops.Scalars;

/** Differentiable box arithmetic on {@code [..., 4]} xyxy arrays, as Ultralytics' {@code dist2bbox} and CIoU. */
final class NDArrayBoxes {
    private NDArrayBoxes() {}

    /** Boxes from anchor points {@code [1, A, 2]} and distances {@code [N, A, 4]} (left, top, right, bottom). */
    static NDArray fromDistances(NDArray anchors, NDArray ltrb) {
        NDList d = ltrb.split(new long[] {2}, 2);
        NDArray x1y1 = anchors.sub(d.get(0));
        NDArray x2y2 = anchors.add(d.get(1));
        return x1y1.concat(x2y2, 2);
    }

    /** Complete IoU of corresponding boxes {@code [N, A, 4]}, {@code [N, A]}; the aspect weight alpha is detached. */
    static NDArray ciou(NDArray p, NDArray t) {
        float eps = 1e-7f;
        NDList a = p.split(4, 2);
        NDList b = t.split(4, 2);
        NDArray x1 = a.get(0);
        NDArray y1 = a.get(1);
        NDArray x2 = a.get(2);
        NDArray y2 = a.get(3);
        NDArray u1 = b.get(0);
        NDArray v1 = b.get(1);
        NDArray u2 = b.get(2);
        NDArray v2 = b.get(3);
        NDArray w1 = x2.sub(x1);
        NDArray h1 = y2.sub(y1).add(eps);
        NDArray w2 = u2.sub(u1);
        NDArray h2 = v2.sub(v1).add(eps);
        NDArray inter = Scalars.maximum(x2.minimum(u2).sub(x1.maximum(u1)), 0)
                .mul(Scalars.maximum(y2.minimum(v2).sub(y1.maximum(v1)), 0));
        NDArray union = w1.mul(h1).add(w2.mul(h2)).sub(inter).add(eps);
        NDArray iou = inter.div(union);
        NDArray cw = x2.maximum(u2).sub(x1.minimum(u1));
        NDArray ch = y2.maximum(v2).sub(y1.minimum(v1));
        NDArray c2 = cw.square().add(ch.square()).add(eps);
        NDArray rho2 = Scalars.div(u1.add(u2).sub(x1).sub(x2).square().add(v1.add(v2).sub(y1).sub(y2).square()), 4);
        NDArray v = Scalars.mul(w2.div(h2).atan().sub(w1.div(h1).atan()).square(), 4 / (Math.PI * Math.PI));
        NDArray alpha = v.div(v.sub(iou).add(1 + eps)).stopGradient();
        return iou.sub(rho2.div(c2).add(v.mul(alpha))).squeeze(2);
    }
}
