package org.lumen.nn.models.rcnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The R-CNN transform's scale as torchvision computes it ({@code min_size / tensor} is {@code reciprocal() *
 * min_size} in float32): a 480-row image at min size 800 becomes 800 rows, as torchvision's, where a plain division
 * gives 799 (the front-door test on astronaut's top 480 rows saw every detection move).
 */
class RcnnResizeScaleTest {
    @Test
    void scaleIsTheReciprocalTimesTheSizeInFloat32() {
        float scale = RcnnTransform.resizeScale(480, 512, 800, 1333);
        assertEquals(1.6666667461395264, scale, 0.0); // torch.min(800 / torch.tensor(480.), 1333 / torch.tensor(512.))
        assertEquals(800, (int) Math.floor(480 * (double) scale));
        assertEquals(853, (int) Math.floor(512 * (double) scale));
        assertEquals(799, (int) Math.floor(480 * (double) (800f / 480f)), "the plain division, for contrast");
    }

    @Test
    void theLongSideLimitWinsForElongatedImages() {
        // 300 x 1200: 800 / 300 would make the long side 3200 > 1333; torch gives 1.1108334064483643, 333 x 1333
        float scale = RcnnTransform.resizeScale(300, 1200, 800, 1333);
        assertEquals(1.1108334064483643, scale, 0.0);
        assertEquals(333, (int) Math.floor(300 * (double) scale));
        assertEquals(1333, (int) Math.floor(1200 * (double) scale));
    }
}
