package org.lumen.core.geometry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Polygons as flat coordinate arrays {@code [x0, y0, x1, y1, ...]} (closed implicitly: the last point joins the
 * first), as COCO and YOLO segmentation labels store them: their area, their faults as labels, and the joining
 * of an object's several parts into one outline.
 */
public final class Polygons {
    private Polygons() {}

    /** The signed area by the shoelace formula (positive when the points turn counter-clockwise, y up). */
    public static double signedArea(double[] xy) {
        int n = xy.length / 2;
        double twice = 0;
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            twice += xy[2 * i] * xy[2 * j + 1] - xy[2 * j] * xy[2 * i + 1];
        }
        return twice / 2;
    }

    /** The number of distinct points. */
    public static int distinctPoints(double[] xy) {
        int n = xy.length / 2;
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            boolean seen = false;
            for (int j = 0; j < i && !seen; j++) {
                seen = xy[2 * i] == xy[2 * j] && xy[2 * i + 1] == xy[2 * j + 1];
            }
            distinct += seen ? 0 : 1;
        }
        return distinct;
    }

    /**
     * Whether the polygon has no area: fewer than 3 distinct points, or an area that is zero up to round-off
     * (below 1e-9 of the squared diagonal of its bounding box), i.e. its points lie on one line.
     */
    public static boolean isDegenerate(double[] xy) {
        if (distinctPoints(xy) < 3) {
            return true;
        }
        double[] b = bounds(xy);
        double diagonal2 = (b[2] - b[0]) * (b[2] - b[0]) + (b[3] - b[1]) * (b[3] - b[1]);
        return Math.abs(signedArea(xy)) <= 1e-9 * diagonal2;
    }

    /**
     * The first pair of edges that cross, as {@code {i, j}} (edge k runs from point k to point k+1, the last back
     * to point 0), or {@code null} when none do. Only <em>proper</em> crossings count: two non-adjacent edges
     * whose interiors cross at one point, each edge's ends strictly on opposite sides of the other's line.
     * Outlines that only touch (a vertex on an edge, a shared vertex, edges running along each other, as where
     * {@link #mergeMultiSegment} goes out to a part and back on the same line) are not crossings. O(n²) in the
     * number of points.
     */
    public static int[] selfIntersection(double[] xy) {
        int n = xy.length / 2;
        if (n < 4) {
            return null;
        }
        for (int i = 0; i < n; i++) {
            double ax = xy[2 * i], ay = xy[2 * i + 1];
            double bx = xy[2 * ((i + 1) % n)], by = xy[2 * ((i + 1) % n) + 1];
            for (int j = i + 2; j < n; j++) {
                if (i == 0 && j == n - 1) {
                    continue; // adjacent through the closing edge
                }
                double cx = xy[2 * j], cy = xy[2 * j + 1];
                double dx = xy[2 * ((j + 1) % n)], dy = xy[2 * ((j + 1) % n) + 1];
                if (properCrossing(ax, ay, bx, by, cx, cy, dx, dy)) {
                    return new int[] {i, j};
                }
            }
        }
        return null;
    }

    /** Whether segments ab and cd cross at one point interior to both. */
    static boolean properCrossing(double ax, double ay, double bx, double by, double cx, double cy, double dx,
            double dy) {
        // a quick reject on the bounding boxes keeps the O(n^2) loop cheap
        if (Math.max(ax, bx) < Math.min(cx, dx) || Math.max(cx, dx) < Math.min(ax, bx)
                || Math.max(ay, by) < Math.min(cy, dy) || Math.max(cy, dy) < Math.min(ay, by)) {
            return false;
        }
        double o1 = Math.signum(orient(ax, ay, bx, by, cx, cy)), o2 = Math.signum(orient(ax, ay, bx, by, dx, dy));
        double o3 = Math.signum(orient(cx, cy, dx, dy, ax, ay)), o4 = Math.signum(orient(cx, cy, dx, dy, bx, by));
        return o1 * o2 < 0 && o3 * o4 < 0;
    }

    private static double orient(double ax, double ay, double bx, double by, double px, double py) {
        return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
    }

    /**
     * What is wrong with {@code xy} as a segmentation outline, or {@code null} if nothing is: an odd number of
     * coordinates, fewer than 3 points, a non-finite coordinate, fewer than 3 distinct points, a
     * self-intersection ({@link #selfIntersection}), or no area ({@link #isDegenerate}), the first that applies.
     * Bounds are the caller's to check.
     */
    public static String fault(double[] xy) {
        if (xy.length % 2 != 0) {
            return "odd number of coordinates (" + xy.length + "): x and y come in pairs";
        }
        if (xy.length < 6) {
            return "polygon has " + xy.length / 2 + (xy.length == 2 ? " point" : " points") + ", needs at least 3";
        }
        for (int i = 0; i < xy.length; i++) {
            if (!Double.isFinite(xy[i])) {
                return "coordinate " + i + " is " + xy[i];
            }
        }
        if (distinctPoints(xy) < 3) {
            return "degenerate polygon: fewer than 3 distinct points";
        }
        int[] cross = selfIntersection(xy);
        if (cross != null) {
            return "self-intersecting polygon: edge " + cross[0] + " (point " + cross[0] + " to "
                    + (cross[0] + 1) % (xy.length / 2) + ") crosses edge " + cross[1] + " (point " + cross[1] + " to "
                    + (cross[1] + 1) % (xy.length / 2) + ")";
        }
        if (isDegenerate(xy)) {
            return "degenerate polygon: zero area";
        }
        return null;
    }

    /** The bounding box {@code [xmin, ymin, xmax, ymax]} of the points. */
    public static double[] bounds(double[] xy) {
        double[] b = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.NEGATIVE_INFINITY};
        for (int i = 0; i + 1 < xy.length; i += 2) {
            b[0] = Math.min(b[0], xy[i]);
            b[1] = Math.min(b[1], xy[i + 1]);
            b[2] = Math.max(b[2], xy[i]);
            b[3] = Math.max(b[3], xy[i + 1]);
        }
        return b;
    }

    /** A copy with each x divided by {@code sx} and each y by {@code sy}. */
    public static double[] scale(double[] xy, double sx, double sy) {
        double[] out = new double[xy.length];
        for (int i = 0; i + 1 < xy.length; i += 2) {
            out[i] = xy[i] / sx;
            out[i + 1] = xy[i + 1] / sy;
        }
        return out;
    }

    /**
     * Joins the parts of one object into a single outline, as Ultralytics' {@code merge_multi_segment} does
     * when it converts COCO polygons to YOLO labels: consecutive parts are linked at their closest pair of points
     * (the first closest pair in point order), the outline walks forward through the parts, part of each middle
     * one, to the last, and comes back through the rest of the middle parts; the links are walked twice, so the
     * outline has no area of its own along them. Each part is closed (its first point repeated) as Ultralytics
     * does, and its quirk is kept: a middle part whose link in comes after its link out is reversed, but the
     * indices into it are not remapped. One part is returned as it is.
     */
    public static double[] mergeMultiSegment(List<double[]> parts) {
        if (parts.size() == 1) {
            return parts.get(0).clone();
        }
        int n = parts.size();
        List<double[][]> segments = new ArrayList<>();
        for (double[] p : parts) {
            double[][] points = new double[p.length / 2][];
            for (int k = 0; k < points.length; k++) {
                points[k] = new double[] {p[2 * k], p[2 * k + 1]};
            }
            segments.add(points);
        }
        List<List<Integer>> links = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            links.add(new ArrayList<>());
        }
        for (int i = 1; i < n; i++) {
            int[] closest = closestPair(segments.get(i - 1), segments.get(i));
            links.get(i - 1).add(closest[0]);
            links.get(i).add(closest[1]);
        }
        List<double[][]> walk = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] idx = links.get(i).stream().mapToInt(Integer::intValue).toArray();
            double[][] seg = segments.get(i);
            if (idx.length == 2 && idx[0] > idx[1]) {
                idx = new int[] {idx[1], idx[0]};
                seg = reversed(seg);
            }
            seg = closed(rolled(seg, idx[0]));
            segments.set(i, seg);
            if (i == 0 || i == n - 1) {
                walk.add(seg);
            } else {
                walk.add(Arrays.copyOfRange(seg, 0, Math.min(seg.length, idx[1] - idx[0] + 1)));
            }
        }
        for (int i = n - 2; i >= 1; i--) {
            List<Integer> idx = links.get(i);
            int skip = Math.abs(idx.get(1) - idx.get(0));
            double[][] seg = segments.get(i);
            walk.add(Arrays.copyOfRange(seg, Math.min(skip, seg.length), seg.length));
        }
        int total = walk.stream().mapToInt(w -> w.length).sum();
        double[] out = new double[2 * total];
        int k = 0;
        for (double[][] w : walk) {
            for (double[] point : w) {
                out[k++] = point[0];
                out[k++] = point[1];
            }
        }
        return out;
    }

    /** The indices of the closest pair of points (first in row-major order among ties, as numpy's argmin). */
    private static int[] closestPair(double[][] a, double[][] b) {
        int[] best = {0, 0};
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                double dx = a[i][0] - b[j][0], dy = a[i][1] - b[j][1];
                double d = dx * dx + dy * dy;
                if (d < bestDistance) {
                    bestDistance = d;
                    best = new int[] {i, j};
                }
            }
        }
        return best;
    }

    private static double[][] reversed(double[][] s) {
        double[][] r = new double[s.length][];
        for (int i = 0; i < s.length; i++) {
            r[i] = s[s.length - 1 - i];
        }
        return r;
    }

    /** numpy's {@code roll(s, -shift)}: element k of the result is element {@code (k + shift) mod n}. */
    private static double[][] rolled(double[][] s, int shift) {
        double[][] r = new double[s.length][];
        for (int k = 0; k < s.length; k++) {
            r[k] = s[Math.floorMod(k + shift, s.length)];
        }
        return r;
    }

    private static double[][] closed(double[][] s) {
        double[][] r = Arrays.copyOf(s, s.length + 1);
        r[s.length] = s[0];
        return r;
    }
}
