package org.lumen.nn.train;

/**
 * A labelled image set as the trainer sees it: square images of one size, float32 CHW with values in [0, 1]
 * (before normalisation), and 0-based labels.
 */
public interface LabeledImages {
    int size();

    int label(int index);

    /** A fresh copy of image {@code index}, which the caller may modify (augmentation works in place). */
    float[] pixels(int index);

    /** A name for messages and reports (usually the file). */
    String name(int index);

    /** A view of the images at {@code indices}, in that order. */
    default LabeledImages subset(int[] indices) {
        LabeledImages all = this;
        int[] idx = indices.clone();
        return new LabeledImages() {
            @Override
            public int size() {
                return idx.length;
            }

            @Override
            public int label(int index) {
                return all.label(idx[index]);
            }

            @Override
            public float[] pixels(int index) {
                return all.pixels(idx[index]);
            }

            @Override
            public String name(int index) {
                return all.name(idx[index]);
            }
        };
    }

    /** {@code first} followed by {@code second}, as one set. */
    static LabeledImages concat(LabeledImages first, LabeledImages second) {
        return new LabeledImages() {
            @Override
            public int size() {
                return first.size() + second.size();
            }

            private LabeledImages part(int index) {
                return index < first.size() ? first : second;
            }

            private int local(int index) {
                return index < first.size() ? index : index - first.size();
            }

            @Override
            public int label(int index) {
                return part(index).label(local(index));
            }

            @Override
            public float[] pixels(int index) {
                return part(index).pixels(local(index));
            }

            @Override
            public String name(int index) {
                return part(index).name(local(index));
            }
        };
    }
}
