package org.lumen.core.metrics.coco;

/** A stable merge sort of int indices by a comparator on primitives: numpy's {@code kind='mergesort'} order. */
final class StableSort {
    @FunctionalInterface
    interface IndexOrder {
        /** Negative when index {@code a} goes before {@code b}, 0 when they tie (keeping their order). */
        int compare(int a, int b);
    }

    private StableSort() {}

    static void sort(int[] indices, int from, int to, IndexOrder order) {
        if (to - from < 2) {
            return;
        }
        int[] buffer = new int[to - from];
        sort(indices, buffer, from, to, order);
    }

    private static void sort(int[] a, int[] buffer, int from, int to, IndexOrder order) {
        int n = to - from;
        if (n <= 16) {
            for (int i = from + 1; i < to; i++) {
                int v = a[i];
                int j = i - 1;
                while (j >= from && order.compare(a[j], v) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = v;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        sort(a, buffer, from, mid, order);
        sort(a, buffer, mid, to, order);
        if (order.compare(a[mid - 1], a[mid]) <= 0) {
            return;
        }
        System.arraycopy(a, from, buffer, 0, mid - from);
        int i = 0, j = mid, k = from, left = mid - from;
        while (i < left && j < to) {
            a[k++] = order.compare(a[j], buffer[i]) < 0 ? a[j++] : buffer[i++];
        }
        while (i < left) {
            a[k++] = buffer[i++];
        }
    }

    /** Higher scores first, equal scores tied (so {@code -0.0 == 0.0}, as numpy compares). */
    static int byScoreDescending(double a, double b) {
        return a > b ? -1 : a < b ? 1 : 0;
    }
}
