package org.lumen.core.geometry;

import java.util.Arrays;
import java.util.List;

/**
 * A binary mask as COCO run-length encoding, equal to pycocotools' {@code mask} API (maskApi.c).
 *
 * <p>Pixels are read in <b>column-major</b> order (down the first column, then the next), as COCO does;
 * {@code counts} alternate runs of 0s and 1s and start with 0s (a mask whose first pixel is set starts with a
 * run of length 0). The counts sum to {@code height * width}. Masks passed in and out of this class as
 * arrays are <b>row-major</b> ({@code mask[y * width + x]}), as Java images are.
 *
 * <p>Instances are immutable.
 */
public final class Rle {
    private static final long UINT = 0xFFFFFFFFL;

    private final int height;
    private final int width;
    private final int[] counts;

    private Rle(int height, int width, int[] counts) {
        this.height = height;
        this.width = width;
        this.counts = counts;
    }

    /**
     * An RLE from its counts.
     *
     * @throws IllegalArgumentException if a size or count is negative or the counts do not sum to
     *     {@code height * width}
     */
    public static Rle of(int height, int width, int[] counts) {
        String fault = fault(height, width, counts);
        if (fault != null) {
            throw new IllegalArgumentException(fault);
        }
        return new Rle(height, width, counts.clone());
    }

    /** Why these counts do not make an RLE of that size, or {@code null} when they do. */
    public static String fault(int height, int width, int[] counts) {
        if (height < 0 || width < 0 || (long) height * width > Integer.MAX_VALUE) {
            return "size " + height + "x" + width + " out of range";
        }
        long sum = 0;
        for (int c : counts) {
            if (c < 0) {
                return "negative run length " + c;
            }
            sum += c;
        }
        return sum == (long) height * width ? null
                : "run lengths sum to " + sum + ", not height x width = " + (long) height * width;
    }

    /** Wraps counts this package computed and knows to be valid; no copy. */
    static Rle trusted(int height, int width, int[] counts) {
        return new Rle(height, width, counts);
    }

    /** Encodes a row-major mask ({@code mask[y * width + x]}, non-zero = set), as pycocotools' {@code encode}. */
    public static Rle encode(byte[] mask, int height, int width) {
        if ((long) height * width != mask.length) {
            throw new IllegalArgumentException("mask has " + mask.length + " pixels, not " + height + "x" + width);
        }
        int[] runs = new int[mask.length + 1];
        int k = 0;
        int run = 0;
        boolean previous = false;
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                boolean set = mask[y * width + x] != 0;
                if (set != previous) {
                    runs[k++] = run;
                    run = 0;
                    previous = set;
                }
                run++;
            }
        }
        runs[k++] = run;
        return new Rle(height, width, Arrays.copyOf(runs, k));
    }

    /**
     * This mask placed in a larger canvas of {@code height x width} with its top-left pixel at {@code (x, y)},
     * unset everywhere else (a tile's mask in the whole image's coordinates). Runs are written column by column
     * without decoding the canvas: time in the canvas width plus this mask's area in pixels.
     *
     * @throws IllegalArgumentException if this mask does not lie wholly inside the canvas there
     */
    public Rle placedIn(int height, int width, int x, int y) {
        if (x < 0 || y < 0 || (long) x + this.width > width || (long) y + this.height > height
                || (long) height * width > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a " + this.height + "x" + this.width + " mask at (" + x + ", " + y
                    + ") does not fit a " + height + "x" + width + " canvas");
        }
        Runs out = new Runs();
        out.add(false, (long) x * height);
        int k = 0; // this mask's current run
        int left = counts.length == 0 ? 0 : counts[0];
        for (int c = 0; c < this.width; c++) {
            out.add(false, y);
            int rows = this.height;
            while (rows > 0) {
                while (left == 0) {
                    left = counts[++k];
                }
                int take = Math.min(left, rows);
                out.add(k % 2 == 1, take);
                left -= take;
                rows -= take;
            }
            out.add(false, height - y - this.height);
        }
        out.add(false, (long) (width - x - this.width) * height);
        return new Rle(height, width, out.counts());
    }

    /** Run lengths built up by appending, alternating unset and set from an unset run (possibly empty). */
    private static final class Runs {
        private int[] runs = new int[16];
        private int n = 1;

        void add(boolean set, long length) {
            if (length == 0) {
                return;
            }
            if (set != ((n - 1) % 2 == 1)) {
                if (n == runs.length) {
                    runs = Arrays.copyOf(runs, 2 * n);
                }
                n++;
            }
            runs[n - 1] += (int) length;
        }

        int[] counts() {
            return Arrays.copyOf(runs, n);
        }
    }

    /** The mask, row-major, 1 where set. */
    public byte[] decode() {
        byte[] mask = new byte[height * width];
        int position = 0;
        byte value = 0;
        for (int run : counts) {
            for (int i = 0; i < run; i++, position++) {
                mask[(position % height) * width + position / height] = value;
            }
            value = (byte) (1 - value);
        }
        return mask;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** The run lengths (a copy). */
    public int[] counts() {
        return counts.clone();
    }

    int count(int index) {
        return counts[index];
    }

    int runs() {
        return counts.length;
    }

    /** The number of set pixels. */
    public long area() {
        long area = 0;
        for (int j = 1; j < counts.length; j += 2) {
            area += counts[j];
        }
        return area;
    }

    /**
     * The bounding box {@code [x, y, width, height]} of the set pixels, as pycocotools' {@code toBbox}: all zero
     * for an empty mask, and spanning the full height when the set pixels wrap from one column to the next.
     */
    public double[] bbox() {
        double[] box = new double[4];
        bbox(box, 0);
        return box;
    }

    /** Writes {@link #bbox()} into {@code out[offset..offset+3]}. */
    void bbox(double[] out, int offset) {
        int m = counts.length / 2 * 2;
        if (m == 0) {
            Arrays.fill(out, offset, offset + 4, 0);
            return;
        }
        // unsigned 32-bit arithmetic as in maskApi.c, so degenerate counts give the same answer
        long h = height;
        long xs = width, ys = height, xe = 0, ye = 0, cc = 0, xp = 0;
        for (int j = 0; j < m; j++) {
            cc = (cc + counts[j]) & UINT;
            long t = (cc - j % 2) & UINT;
            long y = t % h, x = (t - y) / h;
            if (j % 2 == 0) {
                xp = x;
            } else if (xp < x) {
                ys = 0;
                ye = h - 1;
            }
            xs = Math.min(xs, x);
            xe = Math.max(xe, x);
            ys = Math.min(ys, y);
            ye = Math.max(ye, y);
        }
        out[offset] = xs;
        out[offset + 1] = ys;
        out[offset + 2] = (xe - xs + 1) & UINT;
        out[offset + 3] = (ye - ys + 1) & UINT;
    }

    /**
     * The union (or, with {@code intersect}, the intersection) of masks of one size, as pycocotools'
     * {@code merge}. Merging nothing gives an empty 0x0 mask; merging one gives it back.
     *
     * @throws IllegalArgumentException if the sizes differ
     */
    public static Rle merge(List<Rle> rles, boolean intersect) {
        if (rles.isEmpty()) {
            return new Rle(0, 0, new int[0]);
        }
        Rle first = rles.get(0);
        int h = first.height, w = first.width;
        if (rles.size() == 1) {
            return first;
        }
        int[] merged = new int[h * w + 1];
        int m = first.counts.length;
        System.arraycopy(first.counts, 0, merged, 0, m);
        for (int i = 1; i < rles.size(); i++) {
            Rle b = rles.get(i);
            if (b.height != h || b.width != w) {
                throw new IllegalArgumentException("cannot merge masks of sizes " + h + "x" + w + " and "
                        + b.height + "x" + b.width);
            }
            int[] a = Arrays.copyOf(merged, m);
            int am = m;
            long ca = am > 0 ? a[0] : 0, cb = b.counts.length > 0 ? b.counts[0] : 0;
            boolean v = false, va = false, vb = false;
            int ia = 1, ib = 1;
            long cc = 0, ct = 1;
            m = 0;
            while (ct > 0) {
                long c = Math.min(ca, cb);
                cc += c;
                ct = 0;
                ca -= c;
                if (ca == 0 && ia < am) {
                    ca = a[ia++];
                    va = !va;
                }
                ct += ca;
                cb -= c;
                if (cb == 0 && ib < b.counts.length) {
                    cb = b.counts[ib++];
                    vb = !vb;
                }
                ct += cb;
                boolean vp = v;
                v = intersect ? va && vb : va || vb;
                if (v != vp || ct == 0) {
                    merged[m++] = (int) cc;
                    cc = 0;
                }
            }
        }
        return new Rle(h, w, Arrays.copyOf(merged, m));
    }

    /**
     * The mask of a polygon {@code [x0, y0, x1, y1, ...]} in pixel coordinates (pixel centres at integers),
     * rasterised exactly as pycocotools' {@code frPyObjects} (maskApi.c {@code rleFrPoly}). An odd trailing
     * coordinate is ignored.
     *
     * @throws IllegalArgumentException for fewer than one point or non-finite coordinates
     */
    public static Rle fromPolygon(double[] xy, int height, int width) {
        return RlePolygon.rasterise(xy, height, width);
    }

    /** The mask of a box {@code [x, y, w, h]}: the polygon of its four corners, as pycocotools' {@code frBbox}. */
    public static Rle fromBox(double x, double y, double boxWidth, double boxHeight, int height, int width) {
        double xe = x + boxWidth, ye = y + boxHeight;
        return RlePolygon.rasterise(new double[] {x, y, x, ye, xe, ye, xe, y}, height, width);
    }

    /**
     * The compressed string form of the counts (COCO's {@code "counts"} string): each count, from the fourth
     * on as the difference to the count two before, in a LEB128-like code of 5 data bits and a continuation
     * bit per character, offset into ASCII 48..111.
     */
    public String toCompressedString() {
        StringBuilder s = new StringBuilder(counts.length * 2);
        for (int i = 0; i < counts.length; i++) {
            long x = counts[i];
            if (i > 2) {
                x -= counts[i - 2];
            }
            boolean more = true;
            while (more) {
                int c = (int) (x & 0x1f);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) {
                    c |= 0x20;
                }
                s.append((char) (c + 48));
            }
        }
        return s.toString();
    }

    /**
     * Decodes the compressed string form.
     *
     * @throws IllegalArgumentException if a character is outside 48..111, the string ends inside a count, or
     *     the counts are not a valid RLE of that size
     */
    public static Rle fromCompressedString(String s, int height, int width) {
        int[] runs = new int[s.length()];
        int m = 0;
        int p = 0;
        while (p < s.length()) {
            long x = 0;
            int k = 0;
            boolean more = true;
            while (more) {
                if (p >= s.length()) {
                    throw new IllegalArgumentException("RLE string ends inside a run length");
                }
                int c = s.charAt(p) - 48;
                if (c < 0 || c > 63) {
                    throw new IllegalArgumentException("character '" + s.charAt(p) + "' at " + p
                            + " is not in an RLE string (ASCII 48..111)");
                }
                if (k > 12) {
                    throw new IllegalArgumentException("run length at " + p + " too long");
                }
                x |= (long) (c & 0x1f) << 5 * k;
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) {
                    x |= -1L << 5 * k;
                }
            }
            if (m > 2) {
                x += runs[m - 2];
            }
            if (x < 0 || x > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("run length " + x + " out of range");
            }
            runs[m++] = (int) x;
        }
        return of(height, width, Arrays.copyOf(runs, m));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rle r && r.height == height && r.width == width && Arrays.equals(r.counts, counts);
    }

    @Override
    public int hashCode() {
        return (height * 31 + width) * 31 + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "Rle[" + height + "x" + width + ", " + toCompressedString() + "]";
    }
}
