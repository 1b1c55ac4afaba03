package org.lumen.nn.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.lumen.core.LumenException;
import org.lumen.core.metrics.detection.Boxes;
import org.junit.jupiter.api.Test;

class TilingTest {
    @Test
    void tilesCoverTheImageAndEndAtItsEdges() {
        // width 1000, tile 256, overlap 64: stride 192 -> starts 0,192,384,576,744 (768 moved back to 1000-256)
        assertArrayEquals(new int[] {0, 192, 384, 576, 744}, Tiling.starts(1000, 256, 192));
        assertArrayEquals(new int[] {0}, Tiling.starts(200, 256, 192));
        assertArrayEquals(new int[] {0, 192}, Tiling.starts(448, 256, 192)); // exact fit, no extra tile
        List<Tiling.Tile> tiles = Tiling.grid(1000, 300, 256, 64);
        assertEquals(5 * 2, tiles.size());
        boolean[][] covered = new boolean[300][1000];
        for (Tiling.Tile t : tiles) {
            assertEquals(256, t.width());
            assertTrue(t.x() + t.width() <= 1000 && t.y() + t.height() <= 300, t.toString());
            for (int y = t.y(); y < t.y() + t.height(); y++) {
                for (int x = t.x(); x < t.x() + t.width(); x++) {
                    covered[y][x] = true;
                }
            }
        }
        for (boolean[] row : covered) {
            for (boolean c : row) {
                assertTrue(c);
            }
        }
    }

    @Test
    void objectsInOverlapsAreMergedOnce() {
        // A "detector" that finds two fixed objects of the full image wherever they lie wholly inside the tile.
        double[][] objects = {{250, 100, 270, 120}, {600, 10, 615, 25}};
        List<Tiling.Tile> tiles = Tiling.grid(1000, 300, 256, 64);
        Boxes merged = Tiling.detect(tiles, t -> {
            List<double[]> found = new ArrayList<>();
            for (double[] o : objects) {
                if (o[0] >= t.x() && o[2] <= t.x() + t.width() && o[1] >= t.y() && o[3] <= t.y() + t.height()) {
                    found.add(new double[] {o[0] - t.x(), o[1] - t.y(), o[2] - t.x(), o[3] - t.y()});
                }
            }
            double[] xyxy = new double[4 * found.size()];
            for (int i = 0; i < found.size(); i++) {
                System.arraycopy(found.get(i), 0, xyxy, 4 * i, 4);
            }
            double[] scores = new double[found.size()];
            java.util.Arrays.fill(scores, 0.9);
            return new Boxes(xyxy, new int[found.size()], scores);
        }, 0.5, true);
        assertEquals(2, merged.size());
        assertArrayEquals(new double[] {250, 100, 270, 120, 600, 10, 615, 25}, merged.xyxy(), 1e-4);
    }

    @Test
    void rejectsOverlapNotSmallerThanTile() {
        LumenException e = assertThrows(LumenException.class, () -> Tiling.grid(100, 100, 64, 64));
        assertTrue(e.getMessage().contains("overlap must be in [0, 64), got 64"), e.getMessage());
    }
}
