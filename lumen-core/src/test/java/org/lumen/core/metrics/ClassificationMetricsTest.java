package org.lumen.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {
    /*
     * Hand-derived: truth [0, 0, 1, 1], P(class 1) = [0.1, 0.4, 0.35, 0.8], P(class 0) = 1 - that.
     * Arg-max predicts [0, 0, 0, 1]: confusion [[2, 0], [1, 1]], accuracy 3/4.
     * Class 1: precision 1/1, recall 1/2, F1 2/3, specificity 2/2. Class 0: precision 2/3, recall 1, F1 0.8,
     * specificity 1/2. ROC AUC of class 1: pairs (0.35>0.1, 0.35<0.4, 0.8>0.1, 0.8>0.4) -> 3/4; class 0 ranks
     * in exactly the reverse order, so also 3/4. AP of class 1: ranking 0.8 (pos), 0.4 (neg), 0.35 (pos), 0.1:
     * 1/2 x 1 + 1/2 x 2/3 = 5/6; class 0 likewise 5/6.
     */
    @Test
    void handDerivedBinaryExample() {
        double[][] p = {{0.9, 0.1}, {0.6, 0.4}, {0.65, 0.35}, {0.2, 0.8}};
        ClassificationMetrics m = ClassificationMetrics.of(new int[] {0, 0, 1, 1}, p, List.of("healthy", "tb"));
        assertEquals(0.75, m.accuracy());
        assertArrayEquals(new long[][] {{2, 0}, {1, 1}}, m.confusionMatrix().toArray());
        assertClass(m.perClass().get(0), 2.0 / 3, 1, 0.8, 0.5, 0.75, 5.0 / 6, 2);
        assertClass(m.perClass().get(1), 1, 0.5, 2.0 / 3, 1, 0.75, 5.0 / 6, 2);
        assertEquals((2.0 / 3 + 0.8) / 2, m.f1Macro(), 1e-15);
    }

    private static void assertClass(ClassMetrics got, double precision, double recall, double f1, double specificity,
                                    double rocAuc, double averagePrecision, long support) {
        double[] want = {precision, recall, f1, specificity, rocAuc, averagePrecision};
        double[] values = {got.precision(), got.recall(), got.f1(), got.specificity(), got.rocAuc(), got.averagePrecision()};
        assertArrayEquals(want, values, 1e-15, got.name());
        assertEquals(support, got.support());
    }

    @Test
    void argmaxTiesGoToLowestIndex() {
        ClassificationMetrics m = ClassificationMetrics.of(new int[] {1, 2}, new float[][] {{0.2f, 0.4f, 0.4f}, {0.5f, 0.5f, 0}},
                List.of("a", "b", "c"));
        assertArrayEquals(new long[][] {{0, 0, 0}, {0, 1, 0}, {1, 0, 0}}, m.confusionMatrix().toArray());
    }

    /* A class absent from the truth has no AUC/AP; the macro means average the classes that have them. */
    @Test
    void absentClassIsLeftOutOfRankingMacros() {
        double[][] p = {{0.7, 0.2, 0.1}, {0.1, 0.8, 0.1}, {0.6, 0.3, 0.1}, {0.2, 0.7, 0.1}};
        ClassificationMetrics m = ClassificationMetrics.of(new int[] {0, 1, 0, 1}, p, List.of("a", "b", "c"));
        ClassMetrics c = m.perClass().get(2);
        assertTrue(Double.isNaN(c.rocAuc()));
        assertTrue(Double.isNaN(c.averagePrecision()));
        assertTrue(m.rocCurve(2).isEmpty());
        assertEquals(1.0, m.rocAucMacro());
        assertEquals(1.0, m.averagePrecisionMacro());
        assertEquals(2.0 / 3, m.precisionMacro(), 1e-15); // classes a, b perfect; c counts 0
        assertEquals(1.0, c.specificity());
    }

    @Test
    void floatAndDoubleInputsAgree() {
        Random random = new Random(3);
        float[][] pf = new float[500][4];
        double[][] pd = new double[500][4];
        int[] labels = new int[500];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(4);
            for (int k = 0; k < 4; k++) {
                pf[i][k] = random.nextInt(10) / 10f;
                pd[i][k] = pf[i][k];
            }
        }
        List<String> names = List.of("a", "b", "c", "d");
        assertEquals(ClassificationMetrics.of(labels, pd, names).perClass(), ClassificationMetrics.of(labels, pf, names).perClass());
    }

    @Test
    void refusesBadInput() {
        List<String> names = List.of("a", "b");
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.of(new int[] {2}, new double[][] {{0.5, 0.5}}, names));
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.of(new int[] {0}, new double[][] {{0.5}}, names));
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.of(new int[] {0}, new double[][] {{0.5, 0.5}}, List.of("a", "a")));
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.of(new int[0], new double[0][], names));
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.of(new int[] {0}, new double[][] {{Double.NaN, 0.5}}, names));
    }

    @Test
    void millionSamplesInSeconds() {
        int n = 1_000_000;
        int k = 5;
        Random random = new Random(11);
        int[] labels = new int[n];
        float[][] p = new float[n][k];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(k);
            for (int c = 0; c < k; c++) {
                p[i][c] = random.nextFloat() + (c == labels[i] ? 0.3f : 0);
            }
        }
        ClassificationMetrics m = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> ClassificationMetrics.of(labels, p, List.of("a", "b", "c", "d", "e")));
        assertEquals(n, m.confusionMatrix().total());
        assertTrue(m.rocAucMacro() > 0.6 && m.rocAucMacro() < 0.9, "AUC " + m.rocAucMacro());
    }
}
