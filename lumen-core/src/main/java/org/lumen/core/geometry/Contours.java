package org.lumen.core.geometry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Connected components of masks and the outlines of masks as polygons.
 *
 * <p>Components are <b>4-connected</b> (pixels that touch only at a corner are apart). An outline is traced
 * along the pixel edges ("crack following"): the outer boundary of a component is walked with the component on
 * the right (clockwise on screen, y down), turning right wherever it can, so that pixels touching only at a
 * corner stay apart as 4-connectivity demands. Vertices are pixel corners; runs of edges in one direction
 * become one side, so a polygon has a vertex only where the outline turns. Holes are not traced: the polygon
 * is the component with its holes filled.
 *
 * <p>Coordinates are COCO's: pixel (x, y) covers [x, x+1] x [y, y+1], so a corner is at whole numbers. A
 * polygon traced here and rasterised by {@link Rle#fromPolygon} (pycocotools' rasteriser, which sets a pixel
 * whose centre is inside) gives back the component with its holes filled, pixel for pixel: every pixel centre
 * is half a pixel from the outline, so no rounding decides (ContoursTest checks discs and random blobs).
 */
public final class Contours {
    private Contours() {}

    /**
     * Labels the 4-connected components of the pixels of {@code mask} (row-major, {@code height x width}) equal
     * to {@code value}: 0 for other pixels, 1..n for the components in order of their first pixel (row by row).
     *
     * @return the labels, with the component count in the last element (the array has {@code h*w + 1} entries)
     */
    public static int[] components(byte[] mask, int height, int width, byte value) {
        int[] labels = new int[height * width + 1];
        int[] stack = new int[height * width];
        int next = 0;
        for (int start = 0; start < height * width; start++) {
            if (mask[start] != value || labels[start] != 0) {
                continue;
            }
            labels[start] = ++next;
            int top = 0;
            stack[top++] = start;
            while (top > 0) {
                int p = stack[--top];
                int x = p % width, y = p / width;
                if (x > 0) {
                    top = visit(mask, labels, stack, top, p - 1, value, next);
                }
                if (x + 1 < width) {
                    top = visit(mask, labels, stack, top, p + 1, value, next);
                }
                if (y > 0) {
                    top = visit(mask, labels, stack, top, p - width, value, next);
                }
                if (y + 1 < height) {
                    top = visit(mask, labels, stack, top, p + width, value, next);
                }
            }
        }
        labels[height * width] = next;
        return labels;
    }

    private static int visit(byte[] mask, int[] labels, int[] stack, int top, int q, byte value, int label) {
        if (mask[q] == value && labels[q] == 0) {
            labels[q] = label;
            stack[top++] = q;
        }
        return top;
    }

    /**
     * The outline of the largest 4-connected component of the set pixels of {@code rle} (the first in row order
     * among equals), or {@code null} for an empty mask.
     */
    public static double[] largestOutline(Rle rle) {
        int h = rle.height(), w = rle.width();
        byte[] mask = rle.decode();
        int[] labels = components(mask, h, w, (byte) 1);
        int count = labels[h * w];
        if (count == 0) {
            return null;
        }
        int[] sizes = new int[count + 1];
        for (int p = 0; p < h * w; p++) {
            sizes[labels[p]]++;
        }
        int best = 1;
        for (int c = 2; c <= count; c++) {
            if (sizes[c] > sizes[best]) {
                best = c;
            }
        }
        boolean[] inside = new boolean[h * w];
        for (int p = 0; p < h * w; p++) {
            inside[p] = labels[p] == best;
        }
        return outline(inside, h, w);
    }

    // directions on screen (y down), clockwise: right, down, left, up
    private static final int[] DX = {1, 0, -1, 0};
    private static final int[] DY = {0, 1, 0, -1};

    /**
     * The outer outline of the one 4-connected region of {@code inside} (row-major) that holds its first set
     * pixel, as pixel-corner vertices where the outline turns, clockwise on screen starting at that pixel's top
     * left corner.
     *
     * @throws IllegalArgumentException if no pixel is set
     */
    public static double[] outline(boolean[] inside, int height, int width) {
        int first = -1;
        for (int p = 0; p < inside.length && first < 0; p++) {
            first = inside[p] ? p : -1;
        }
        if (first < 0) {
            throw new IllegalArgumentException("no pixel set");
        }
        int startX = first % width, startY = first / width;
        List<int[]> vertices = new ArrayList<>();
        int cx = startX, cy = startY, dir = 0; // the top edge of the first pixel, going right, is on the outline
        vertices.add(new int[] {cx, cy});
        long steps = 0, limit = 4L * (height + 1) * (width + 1);
        do {
            cx += DX[dir];
            cy += DY[dir];
            int next = -1;
            for (int turn : new int[] {1, 0, 3}) { // right, straight, left
                int d = (dir + turn) % 4;
                if (edge(inside, height, width, cx, cy, d)) {
                    next = d;
                    break;
                }
            }
            if (next < 0 || ++steps > limit) {
                throw new IllegalStateException("outline tracing lost its way at corner (" + cx + ", " + cy + ")");
            }
            if (next != dir) {
                vertices.add(new int[] {cx, cy});
            }
            dir = next;
        } while (cx != startX || cy != startY || dir != 0);
        // the walk ends where it began, going right: the start corner was recorded first, drop its repeat
        if (vertices.size() > 1 && Arrays.equals(vertices.get(vertices.size() - 1), vertices.get(0))) {
            vertices.remove(vertices.size() - 1);
        }
        double[] xy = new double[2 * vertices.size()];
        for (int k = 0; k < vertices.size(); k++) {
            xy[2 * k] = vertices.get(k)[0];
            xy[2 * k + 1] = vertices.get(k)[1];
        }
        return xy;
    }

    private static boolean in(boolean[] inside, int height, int width, int x, int y) {
        return x >= 0 && y >= 0 && x < width && y < height && inside[y * width + x];
    }

    /**
     * Whether a boundary edge with the region on its right leaves corner (cx, cy) in direction {@code d}: the
     * pixel on its right is inside and the one on its left is not.
     */
    private static boolean edge(boolean[] inside, int height, int width, int cx, int cy, int d) {
        return switch (d) {
            case 0 -> in(inside, height, width, cx, cy) && !in(inside, height, width, cx, cy - 1);
            case 1 -> in(inside, height, width, cx - 1, cy) && !in(inside, height, width, cx, cy);
            case 2 -> in(inside, height, width, cx - 1, cy - 1) && !in(inside, height, width, cx - 1, cy);
            default -> in(inside, height, width, cx, cy - 1) && !in(inside, height, width, cx - 1, cy - 1);
        };
    }
}
