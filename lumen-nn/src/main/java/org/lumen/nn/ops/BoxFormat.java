package org.lumen.nn.ops;

/** The three box layouts of torchvision's {@code box_convert}, each a row of 4 numbers. */
public enum BoxFormat {
    /** Corners: {@code (x1, y1, x2, y2)}, top left and bottom right. The layout every other op expects. */
    XYXY,
    /** Top-left corner, width and height: {@code (x, y, w, h)} (COCO's layout). */
    XYWH,
    /** Centre, width and height: {@code (cx, cy, w, h)} (YOLO's layout). */
    CXCYWH
}
