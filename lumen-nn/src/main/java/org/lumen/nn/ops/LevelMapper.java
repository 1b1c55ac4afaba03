package org.lumen.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * torchvision's {@code poolers.LevelMapper}: which feature-pyramid level a box is pooled from in
 * {@code MultiScaleRoIAlign} (FPN paper, eq. 1): {@code floor(canonicalLevel + log2(sqrt(area) / canonicalScale) +
 * eps)}, clamped to {@code [kMin, kMax]}, returned as an offset from {@code kMin} (an index into the levels).
 * Computed with the same float operations, in the boxes' dtype.
 */
public final class LevelMapper {
    private final int kMin;
    private final int kMax;
    private final int canonicalScale;
    private final int canonicalLevel;
    private final double eps;

    /** torchvision's defaults: a 224-pixel box maps to level 4, eps 1e-6. */
    public LevelMapper(int kMin, int kMax) {
        this(kMin, kMax, 224, 4, 1e-6);
    }

    public LevelMapper(int kMin, int kMax, int canonicalScale, int canonicalLevel, double eps) {
        if (kMin > kMax) {
            throw new IllegalArgumentException("LevelMapper: kMin " + kMin + " > kMax " + kMax);
        }
        this.kMin = kMin;
        this.kMax = kMax;
        this.canonicalScale = canonicalScale;
        this.canonicalLevel = canonicalLevel;
        this.eps = eps;
    }

    /**
     * @param boxes {@code [K, 4]} in image coordinates, all images' boxes concatenated
     * @return int64 {@code [K]}, each in {@code [0, kMax - kMin]}
     */
    public NDArray levels(NDArray boxes) {
        boolean single = boxes.getDataType() != DataType.FLOAT64;
        NDArray s = Boxes.area(boxes).sqrt();
        NDArray target = s.div(canonicalScale).log2().add(canonicalLevel).add(single ? (Number) (float) eps : eps)
                .floor().clip(kMin, kMax);
        return target.toType(DataType.INT64, false).sub(kMin);
    }
}
