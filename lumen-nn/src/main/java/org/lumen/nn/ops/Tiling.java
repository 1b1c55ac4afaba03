package org.lumen.nn.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.lumen.core.LumenException;
import org.lumen.core.image.Image;
import org.lumen.core.metrics.detection.Boxes;

/**
 * Tiled inference for survey images far larger than a detector's training size: the image is cut into
 * overlapping square tiles, each tile is detected alone, boxes are moved back to image coordinates and
 * duplicates from the overlaps are merged with NMS (per class, or class-agnostic as the clump paper does).
 *
 * <p>Tiles start every {@code tile - overlap} pixels; the last tile of a row or column is moved back to end at
 * the image's edge, so every tile is full size and every pixel is covered. An object no larger than
 * {@code overlap} lies wholly inside at least one tile. An image no larger than a tile is one tile.
 */
public final class Tiling {
    /** A tile: its top-left corner and size in image pixels. */
    public record Tile(int x, int y, int width, int height) {}

    private Tiling() {}

    /**
     * How an image is tiled and the tiles' detections merged: square tiles of {@code size} pixels overlapping by
     * {@code overlap}, duplicates those overlapping more than {@code mergeIou} (IoU), across classes when
     * {@code classAgnostic} (as the clump paper merges), else within each class.
     */
    public record Options(int size, int overlap, double mergeIou, boolean classAgnostic) {}

    /** The pixels of {@code image} under tile {@code t}, every channel, as a new image of the tile's size. */
    public static Image crop(Image image, Tile t) {
        int c = image.channels();
        float[] out = new float[c * t.height() * t.width()];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < t.height(); y++) {
                System.arraycopy(image.data(), (ch * image.height() + t.y() + y) * image.width() + t.x(), out,
                        (ch * t.height() + y) * t.width(), t.width());
            }
        }
        return new Image(c, t.height(), t.width(), out, image.bitsPerSample(), image.scale());
    }

    /**
     * The tiles covering a {@code width x height} image.
     *
     * @throws LumenException if {@code tile < 1} or {@code overlap} is outside {@code [0, tile)}
     */
    public static List<Tile> grid(int width, int height, int tile, int overlap) {
        if (tile < 1) {
            throw LumenException.setting("tile", "tile size must be at least 1, got " + tile);
        }
        if (overlap < 0 || overlap >= tile) {
            throw LumenException.setting("tileOverlap", "overlap must be in [0, " + tile + "), got " + overlap);
        }
        List<Tile> tiles = new ArrayList<>();
        int[] xs = starts(width, tile, tile - overlap);
        int[] ys = starts(height, tile, tile - overlap);
        for (int y : ys) {
            for (int x : xs) {
                tiles.add(new Tile(x, y, Math.min(tile, width), Math.min(tile, height)));
            }
        }
        return tiles;
    }

    static int[] starts(int size, int tile, int stride) {
        if (size <= tile) {
            return new int[] {0};
        }
        int n = (size - tile + stride - 1) / stride + 1;
        int[] s = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = Math.min(i * stride, size - tile);
        }
        return s;
    }

    /**
     * Detects over tiles and merges.
     *
     * @param detect detections of one tile, in the tile's pixel coordinates (boxes, labels, scores)
     * @param iou NMS threshold for the merge (boxes overlapping more than this are duplicates)
     * @param classAgnostic whether boxes of different classes suppress each other
     * @return the merged detections in image coordinates, by descending score
     */
    public static Boxes detect(List<Tile> tiles, Function<Tile, Boxes> detect, double iou, boolean classAgnostic) {
        List<Boxes> perTile = new ArrayList<>();
        for (Tile t : tiles) {
            perTile.add(detect.apply(t));
        }
        return merge(tiles, perTile, iou, classAgnostic).boxes();
    }

    /**
     * What survives a merge: the detections in image coordinates by descending score, and for each the tile it
     * came from and its index among that tile's detections (to carry along what else a tile gave, such as masks).
     */
    public record Merge(Boxes boxes, int[] tile, int[] index) {}

    /**
     * Merges tiles' detections: each shifted by its tile's offset, then NMS over all of them.
     *
     * @param perTile each tile's detections, in the tile's pixel coordinates, in the order of {@code tiles}
     */
    public static Merge merge(List<Tile> tiles, List<Boxes> perTile, double iou, boolean classAgnostic) {
        if (tiles.size() != perTile.size()) {
            throw new IllegalArgumentException(perTile.size() + " detection sets for " + tiles.size() + " tiles");
        }
        int n = perTile.stream().mapToInt(Boxes::size).sum();
        float[] flat = new float[4 * n];
        float[] s = new float[n];
        int[] cls = new int[n];
        int[] labels = new int[n];
        int[] tileOf = new int[n];
        int[] indexOf = new int[n];
        int k = 0;
        for (int ti = 0; ti < tiles.size(); ti++) {
            Tile t = tiles.get(ti);
            Boxes b = perTile.get(ti);
            double[] c = b.xyxy();
            for (int i = 0; i < b.size(); i++, k++) {
                flat[4 * k] = (float) (c[4 * i] + t.x());
                flat[4 * k + 1] = (float) (c[4 * i + 1] + t.y());
                flat[4 * k + 2] = (float) (c[4 * i + 2] + t.x());
                flat[4 * k + 3] = (float) (c[4 * i + 3] + t.y());
                labels[k] = b.labels()[i];
                s[k] = (float) b.scores()[i];
                cls[k] = classAgnostic ? 0 : labels[k];
                tileOf[k] = ti;
                indexOf[k] = i;
            }
        }
        int[] keep = Nms.batchedNms(flat, s, cls, iou);
        double[] xyxy = new double[4 * keep.length];
        int[] outLabels = new int[keep.length];
        double[] outScores = new double[keep.length];
        int[] outTile = new int[keep.length];
        int[] outIndex = new int[keep.length];
        for (int q = 0; q < keep.length; q++) {
            for (int j = 0; j < 4; j++) {
                xyxy[4 * q + j] = flat[4 * keep[q] + j];
            }
            outLabels[q] = labels[keep[q]];
            outScores[q] = s[keep[q]];
            outTile[q] = tileOf[keep[q]];
            outIndex[q] = indexOf[keep[q]];
        }
        return new Merge(new Boxes(xyxy, outLabels, outScores), outTile, outIndex);
    }
}
