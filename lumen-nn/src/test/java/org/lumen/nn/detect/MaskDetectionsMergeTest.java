package org.lumen.nn.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lumen.core.geometry.Rle;
import org.lumen.core.metrics.detection.Boxes;
import org.lumen.nn.models.MaskDetections;
import org.lumen.nn.ops.Tiling;

/**
 * Tiled inference for instance masks, on a hand-made case: two 6x6 tiles of a 6x10 image overlapping in columns
 * 4-5. Both see the object that straddles the overlap (the duplicate with the lower score goes), one sees an
 * object of its own; every surviving mask lands at its tile's offset in the whole image.
 */
class MaskDetectionsMergeTest {

    /** A 6x6 mask set on rows y0..y1 and columns x0..x1 (inclusive), in tile pixels. */
    private static Rle rect(int x0, int y0, int x1, int y1) {
        byte[] m = new byte[36];
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                m[y * 6 + x] = 1;
            }
        }
        return Rle.encode(m, 6, 6);
    }

    @Test
    void survivorsKeepTheirOwnTilesMasksAtTheTilesOffsets() {
        List<Tiling.Tile> tiles = Tiling.grid(10, 6, 6, 2);
        assertEquals(List.of(new Tiling.Tile(0, 0, 6, 6), new Tiling.Tile(4, 0, 6, 6)), tiles);
        // tile 0: the shared object at image columns 3-5 (score 0.6) and its own at columns 0-1 (0.9)
        MaskDetections left = new MaskDetections(new Boxes(new double[] {3, 1, 6, 4, 0, 0, 2, 2}, new int[] {1, 1},
                new double[] {0.6, 0.9}), List.of(rect(3, 1, 5, 3), rect(0, 0, 1, 1)));
        // tile 1: the shared object again, at tile columns 0-1 (image 4-5), more confident (0.8)
        MaskDetections right = new MaskDetections(new Boxes(new double[] {-1, 1, 2, 4}, new int[] {1},
                new double[] {0.8}), List.of(rect(0, 1, 1, 3)));
        MaskDetections merged = MaskDetections.merge(tiles, List.of(left, right), 0.5, false, 6, 10);

        assertEquals(2, merged.size());
        assertArrayEquals(new double[] {0.9, 0.8}, merged.boxes().scores(), 1e-6);
        assertArrayEquals(new double[] {0, 0, 2, 2, 3, 1, 6, 4}, merged.boxes().xyxy(), 1e-6);
        byte[] own = merged.mask(0);
        byte[] shared = merged.mask(1);
        assertEquals(60, own.length);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 10; x++) {
                assertEquals(x <= 1 && y <= 1 ? 1 : 0, own[y * 10 + x], "own mask at " + x + "," + y);
                // the right tile's mask (its columns 0-1 are the image's 4-5), not the left tile's (3-5)
                assertEquals(x >= 4 && x <= 5 && y >= 1 && y <= 3 ? 1 : 0, shared[y * 10 + x],
                        "shared mask at " + x + "," + y);
            }
        }
        assertEquals(1, merged.first(1).size());
        assertEquals(merged.rle(0), merged.first(1).rle(0));
    }
}
