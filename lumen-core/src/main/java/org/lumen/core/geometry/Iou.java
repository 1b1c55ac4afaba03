package org.lumen.core.geometry;

/**
 * Intersection over union of boxes and of RLE masks, as pycocotools' {@code mask.iou}. Against a <em>crowd</em>
 * ground truth the union is replaced by the detection's own area (intersection / detection area), so a
 * detection inside a crowd region overlaps it fully.
 *
 * <p>Matrices are flat and row-major, one row per detection: {@code out[d * gtCount + g]}.
 */
public final class Iou {
    private Iou() {}

    /**
     * IoU of two boxes {@code [x, y, w, h]}: 0 when they do not overlap with positive width and height.
     *
     * @param crowd whether {@code g} is a crowd region
     */
    public static double box(double dx, double dy, double dw, double dh, double gx, double gy, double gw, double gh,
                             boolean crowd) {
        double w = Math.min(dw + dx, gw + gx) - Math.max(dx, gx);
        if (w <= 0) {
            return 0;
        }
        double h = Math.min(dh + dy, gh + gy) - Math.max(dy, gy);
        if (h <= 0) {
            return 0;
        }
        double i = w * h;
        double da = dw * dh;
        double u = crowd ? da : da + gw * gh - i;
        return i / u;
    }

    /**
     * IoU of every detection box with every ground-truth box.
     *
     * @param dt boxes {@code [x, y, w, h]} packed, 4 per detection, starting at {@code dtOffset} (an index into
     *     the array, in boxes)
     * @param gt likewise for ground truth
     * @param crowd per ground truth, from {@code gtOffset}
     * @param out at least {@code dtCount * gtCount} long
     */
    public static void boxes(double[] dt, int dtOffset, int dtCount, double[] gt, int gtOffset, int gtCount,
                             boolean[] crowd, double[] out) {
        for (int d = 0; d < dtCount; d++) {
            int i = 4 * (dtOffset + d);
            for (int g = 0; g < gtCount; g++) {
                int j = 4 * (gtOffset + g);
                out[d * gtCount + g] = box(dt[i], dt[i + 1], dt[i + 2], dt[i + 3], gt[j], gt[j + 1], gt[j + 2],
                        gt[j + 3], crowd[gtOffset + g]);
            }
        }
    }

    /**
     * IoU of two masks, as pycocotools: 0 when their bounding boxes do not overlap, -1 when they overlap but the
     * masks' sizes differ (so they never match), otherwise exact.
     */
    public static double mask(Rle dt, Rle gt, boolean crowd) {
        double[] d = dt.bbox(), g = gt.bbox();
        return mask(dt, d, 0, gt, g, 0, crowd);
    }

    /**
     * IoU of every detection mask with every ground-truth mask; {@code dtBoxes}/{@code gtBoxes} are their
     * {@link Rle#bbox()}es packed 4 per mask (passed in so that callers compute them once).
     */
    public static void masks(Rle[] dt, double[] dtBoxes, int dtOffset, int dtCount, Rle[] gt, double[] gtBoxes,
                             int gtOffset, int gtCount, boolean[] crowd, double[] out) {
        for (int d = 0; d < dtCount; d++) {
            for (int g = 0; g < gtCount; g++) {
                out[d * gtCount + g] = mask(dt[dtOffset + d], dtBoxes, 4 * (dtOffset + d), gt[gtOffset + g],
                        gtBoxes, 4 * (gtOffset + g), crowd[gtOffset + g]);
            }
        }
    }

    /** Boxes of masks, packed 4 per mask, for {@link #masks}. */
    public static double[] bboxes(Rle[] masks) {
        double[] boxes = new double[4 * masks.length];
        for (int i = 0; i < masks.length; i++) {
            if (masks[i] != null) {
                masks[i].bbox(boxes, 4 * i);
            }
        }
        return boxes;
    }

    private static double mask(Rle dt, double[] db, int i, Rle gt, double[] gb, int j, boolean crowd) {
        // the boxes first: most pairs are apart, and this is what pycocotools does too
        double boxIou = box(db[i], db[i + 1], db[i + 2], db[i + 3], gb[j], gb[j + 1], gb[j + 2], gb[j + 3], crowd);
        if (!(boxIou > 0)) {
            return boxIou;
        }
        if (dt.height() != gt.height() || dt.width() != gt.width()) {
            return -1;
        }
        long ca = dt.count(0), cb = gt.count(0);
        int ka = dt.runs(), kb = gt.runs();
        boolean va = false, vb = false;
        int a = 1, b = 1;
        long intersection = 0, union = 0, ct = 1;
        while (ct > 0) {
            long c = Math.min(ca, cb);
            if (va || vb) {
                union += c;
                if (va && vb) {
                    intersection += c;
                }
            }
            ct = 0;
            ca -= c;
            if (ca == 0 && a < ka) {
                ca = dt.count(a++);
                va = !va;
            }
            ct += ca;
            cb -= c;
            if (cb == 0 && b < kb) {
                cb = gt.count(b++);
                vb = !vb;
            }
            ct += cb;
        }
        if (intersection == 0) {
            union = 1;
        } else if (crowd) {
            union = dt.area();
        }
        return (double) intersection / (double) union;
    }
}
