package org.lumen.core.geometry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class PolygonsTest {
    @Test
    void areaIsTheShoelaceArea() {
        assertEquals(12, Polygons.signedArea(new double[] {0, 0, 4, 0, 4, 3, 0, 3}), 0);
        assertEquals(-12, Polygons.signedArea(new double[] {0, 0, 0, 3, 4, 3, 4, 0}), 0);
        assertEquals(6, Polygons.signedArea(new double[] {0, 0, 4, 0, 0, 3}), 0);
    }

    @Test
    void faultsNameWhatIsWrong() {
        assertNull(Polygons.fault(new double[] {0, 0, 4, 0, 4, 3, 0, 3}));
        assertEquals("odd number of coordinates (7): x and y come in pairs",
                Polygons.fault(new double[] {0, 0, 4, 0, 4, 3, 0}));
        assertEquals("polygon has 2 points, needs at least 3", Polygons.fault(new double[] {0, 0, 4, 0}));
        assertEquals("degenerate polygon: fewer than 3 distinct points",
                Polygons.fault(new double[] {1, 1, 2, 2, 1, 1, 2, 2}));
        assertEquals("degenerate polygon: zero area",
                Polygons.fault(new double[] {0, 0, 0.1, 0.1, 0.3, 0.3}));
        // a bow tie: edge 0 (0,0)-(4,4) crosses edge 2 (4,0)-(0,4)
        assertEquals("self-intersecting polygon: edge 0 (point 0 to 1) crosses edge 2 (point 2 to 3)",
                Polygons.fault(new double[] {0, 0, 4, 4, 4, 0, 0, 4}));
        assertEquals("coordinate 3 is NaN", Polygons.fault(new double[] {0, 0, 4, Double.NaN, 4, 3}));
    }

    @Test
    void touchingIsNotCrossing() {
        // two squares sharing the corner (2, 2), walked as one outline: touches at a vertex only
        assertNull(Polygons.selfIntersection(new double[] {0, 0, 2, 0, 2, 2, 4, 2, 4, 4, 2, 4, 2, 2, 0, 2}));
        // a vertex lying on another edge
        assertNull(Polygons.selfIntersection(new double[] {0, 0, 4, 0, 4, 4, 2, 0.0, 0, 4}));
        // an outline that goes out to a point and back along the same line (a merge link)
        assertNull(Polygons.selfIntersection(new double[] {0, 0, 2, 0, 2, 2, 5, 2, 2, 2, 0, 2}));
        // a crossing between the closing edge and a middle edge
        assertArrayEquals(new int[] {1, 3},
                Polygons.selfIntersection(new double[] {0, 0, 4, 0, 4, 4, 6, -1, 2, 5}));
    }

    @Test
    void twoPartsMergeAsUltralytics() {
        // A = square (0,0)-(2,2); B = square (5,0)-(7,2). Closest pair: A[1] = (2,0) and B[0] = (5,0).
        double[] a = {0, 0, 2, 0, 2, 2, 0, 2};
        double[] b = {5, 0, 7, 0, 7, 2, 5, 2};
        // A rolled to start at point 1 and closed, then B rolled by 0 and closed
        assertArrayEquals(new double[] {2, 0, 2, 2, 0, 2, 0, 0, 2, 0, 5, 0, 7, 0, 7, 2, 5, 2, 5, 0},
                Polygons.mergeMultiSegment(List.of(a, b)), 0);
    }

    @Test
    void threePartsWalkThroughTheMiddleTwice() {
        double[] a = {0, 0, 1, 0, 1, 1};          // closest to B: a[1] = (1,0) and b[0] = (3,0)
        double[] b = {3, 0, 4, 0, 4, 1, 3, 1};    // closest to C: b[1] = (4,0) and c[0] = (6,0)
        double[] c = {6, 0, 7, 0, 7, 1};
        // B's links are [in 0, out 1]: not reversed; rolled by 0, closed: (3,0)(4,0)(4,1)(3,1)(3,0);
        // the forward walk takes points 0..1, the return walk points 1.. to the end
        double[] merged = Polygons.mergeMultiSegment(List.of(a, b, c));
        assertArrayEquals(new double[] {1, 0, 1, 1, 0, 0, 1, 0, 3, 0, 4, 0, 6, 0, 7, 0, 7, 1, 6, 0,
            4, 0, 4, 1, 3, 1, 3, 0}, merged, 0);
        assertNull(Polygons.selfIntersection(merged));
        // walking each link out and back adds no area: the area is the parts' areas
        assertEquals(0.5 + 1 + 0.5, Math.abs(Polygons.signedArea(merged)), 1e-12);
    }

    @Test
    void aReversedMiddlePartKeepsUltralyticsIndexing() {
        double[] a = {10, 0, 11, 0, 11, 1};       // a[0] = (10,0) is closest to b[2] = (8,0)
        double[] b = {6, 0, 6, 1, 8, 0};          // b[0] = (6,0) is closest to c[1] = (4,0)
        double[] c = {3, 0, 4, 0, 4, 1};
        // B's links are [in 2, out 0]: reversed to (8,0)(6,1)(6,0), rolled by -0 and closed;
        // forward takes points 0..2, the return walk points 2.. : (6,0)(8,0)
        assertArrayEquals(new double[] {10, 0, 11, 0, 11, 1, 10, 0, 8, 0, 6, 1, 6, 0, 4, 0, 4, 1, 3, 0, 4, 0,
            6, 0, 8, 0}, Polygons.mergeMultiSegment(List.of(a, b, c)), 0);
    }
}
