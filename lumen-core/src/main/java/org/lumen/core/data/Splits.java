package org.lumen.core.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.lumen.core.LumenException;

/**
 * Seeded, stratified ways to divide samples. Every method takes the samples' class labels and returns, for
 * each sample, the part it goes to; the same labels and seed always give the same answer.
 */
public final class Splits {
    private Splits() {}

    /**
     * Stratified k-fold: each class's samples are shuffled and dealt round-robin into {@code k} folds, the
     * deal continuing where the previous class stopped, so each fold holds every class's count divided by
     * {@code k} give or take one, and the fold sizes differ by at most one.
     *
     * @return for each sample its test fold, in [0, k)
     * @throws LumenException when {@code k < 2} or there are fewer samples than folds
     */
    public static int[] kFold(int[] labels, int k, long seed) {
        if (k < 2 || k > labels.length) {
            throw LumenException.setting("folds", "needs 2 <= k <= number of samples (" + labels.length + "): " + k);
        }
        int[] fold = new int[labels.length];
        Random rnd = new Random(seed);
        int next = 0;
        for (List<Integer> members : byClass(labels).values()) {
            for (int index : shuffled(members, rnd)) {
                fold[index] = next;
                next = (next + 1) % k;
            }
        }
        return fold;
    }

    /**
     * Stratified split into parts of the given {@code fractions} (e.g. 0.7, 0.15, 0.15 for train, val, test):
     * within each class the counts are the fractions of the class size, rounded by largest remainder so they
     * add up, and the samples going to each part are chosen by a seeded shuffle.
     *
     * @return for each sample the index of its part
     * @throws IllegalArgumentException when the fractions are negative or do not sum to 1
     */
    public static int[] stratified(int[] labels, double[] fractions, long seed) {
        double total = 0;
        for (double f : fractions) {
            if (!(f >= 0)) {
                throw new IllegalArgumentException("negative fraction: " + f);
            }
            total += f;
        }
        if (Math.abs(total - 1) > 1e-9) {
            throw new IllegalArgumentException("fractions sum to " + total + ", not 1");
        }
        int[] part = new int[labels.length];
        Random rnd = new Random(seed);
        for (List<Integer> members : byClass(labels).values()) {
            int[] counts = apportion(members.size(), fractions);
            List<Integer> order = shuffled(members, rnd);
            int at = 0;
            for (int p = 0; p < counts.length; p++) {
                for (int c = 0; c < counts[p]; c++) {
                    part[order.get(at++)] = p;
                }
            }
        }
        return part;
    }

    /** Stratified train/validation split: {@code true} for the samples that go to validation. */
    public static boolean[] trainVal(int[] labels, double valFraction, long seed) {
        int[] part = stratified(labels, new double[] {1 - valFraction, valFraction}, seed);
        boolean[] val = new boolean[labels.length];
        for (int i = 0; i < part.length; i++) {
            val[i] = part[i] == 1;
        }
        return val;
    }

    /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
    public static int[] permutation(int n, java.util.random.RandomGenerator rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Whole counts proportional to {@code fractions} that add up to {@code n} (largest remainder). */
    static int[] apportion(int n, double[] fractions) {
        int[] counts = new int[fractions.length];
        int given = 0;
        for (int p = 0; p < fractions.length; p++) {
            counts[p] = (int) Math.floor(fractions[p] * n);
            given += counts[p];
        }
        while (given < n) {
            int best = 0;
            double bestRemainder = -1;
            for (int p = 0; p < fractions.length; p++) {
                double remainder = fractions[p] * n - counts[p];
                if (remainder > bestRemainder) {
                    best = p;
                    bestRemainder = remainder;
                }
            }
            counts[best]++;
            given++;
        }
        return counts;
    }

    private static TreeMap<Integer, List<Integer>> byClass(int[] labels) {
        TreeMap<Integer, List<Integer>> members = new TreeMap<>();
        for (int i = 0; i < labels.length; i++) {
            members.computeIfAbsent(labels[i], c -> new ArrayList<>()).add(i);
        }
        return members;
    }

    private static List<Integer> shuffled(List<Integer> members, Random rnd) {
        List<Integer> out = new ArrayList<>(members.size());
        for (int i : permutation(members.size(), rnd)) {
            out.add(members.get(i));
        }
        return out;
    }
}
