package org.lumen.core.metrics.coco;

import java.util.Locale;

/** What a detection is compared with its ground truth by: the box or the instance mask. */
public enum IouType {
    BBOX, SEGM;

    /** The name pycocotools and the command line use: {@code bbox}, {@code segm}. */
    public String cocoName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
