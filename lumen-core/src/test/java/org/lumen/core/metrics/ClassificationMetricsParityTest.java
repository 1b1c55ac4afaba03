package org.lumen.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.testing.Python;

/**
 * Every metric against scikit-learn on random data with many ties (probabilities rounded to 2 decimals, which
 * also makes arg-max ties): binary imbalanced 700 vs 3500 as in the TB paper, and 5 classes with one absent.
 */
class ClassificationMetricsParityTest {
    private static final double TOLERANCE = 1e-12;

    private static final String REFERENCE = String.join("\n",
            "import json, sys",
            "import numpy as np",
            "from sklearn import metrics as M",
            "rows = [l.split() for l in open(sys.argv[1]).read().splitlines()[1:]]",
            "y = np.array([int(r[0]) for r in rows])",
            "p = np.array([[float(v) for v in r[1:]] for r in rows])",
            "K = p.shape[1]; labels = list(range(K)); pred = p.argmax(axis=1)",
            "cm = M.confusion_matrix(y, pred, labels=labels)",
            "prec, rec, f1, sup = M.precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)",
            "macro = M.precision_recall_fscore_support(y, pred, labels=labels, zero_division=0, average='macro')",
            "out = {'accuracy': M.accuracy_score(y, pred), 'confusion_matrix': cm.tolist(),",
            "       'precision_macro': macro[0], 'recall_macro': macro[1], 'f1_macro': macro[2], 'per_class': []}",
            "for k in labels:",
            "    t = y == k",
            "    fp = cm[:, k].sum() - cm[k, k]; tn = cm.sum() - cm[k, :].sum() - fp",
            "    c = {'precision': prec[k], 'recall': rec[k], 'f1': f1[k], 'support': int(sup[k]),",
            "         'specificity': tn / (tn + fp) if tn + fp else 0.0}",
            "    if t.any() and not t.all():",
            "        c['roc_auc'] = M.roc_auc_score(t, p[:, k])",
            "        c['roc'] = [a.tolist() for a in M.roc_curve(t, p[:, k])]",
            "    if t.any():",
            "        c['average_precision'] = M.average_precision_score(t, p[:, k])",
            "        pr, rc, th = M.precision_recall_curve(t, p[:, k])",
            "        c['pr'] = [rc[::-1].tolist(), pr[::-1].tolist(), th[::-1].tolist()]",
            "    out['per_class'].append({key: float(v) if isinstance(v, np.floating) else v for key, v in c.items()})",
            "print(json.dumps(out))");

    @TempDir
    Path dir;

    @Test
    void binaryImbalancedLikeTheTbPaper() throws IOException {
        int[] labels = new int[4200];
        for (int i = 0; i < 700; i++) {
            labels[i] = 1;
        }
        compareWithScikitLearn(labels, 2, new Random(1));
    }

    @Test
    void fiveClassesWithOneAbsent() throws IOException {
        Random random = new Random(2);
        int[] labels = new int[3000];
        for (int i = 0; i < labels.length; i++) {
            int label = random.nextInt(4); // class 4 never occurs in the truth
            labels[i] = label == 3 && random.nextInt(4) > 0 ? 0 : label; // and class 3 is rare
        }
        compareWithScikitLearn(labels, 5, random);
    }

    /** Probabilities lean towards the true class, are normalised, then rounded to 2 decimals (ties). */
    private void compareWithScikitLearn(int[] labels, int classes, Random random) throws IOException {
        double[][] p = new double[labels.length][classes];
        StringBuilder data = new StringBuilder().append(classes).append('\n');
        for (int i = 0; i < labels.length; i++) {
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                p[i][k] = Math.exp(random.nextGaussian() + (k == labels[i] ? 1.2 : 0));
                sum += p[i][k];
            }
            data.append(labels[i]);
            for (int k = 0; k < classes; k++) {
                p[i][k] = Math.round(100 * p[i][k] / sum) / 100.0;
                data.append(' ').append(p[i][k]);
            }
            data.append('\n');
        }
        Files.writeString(dir.resolve("data.txt"), data);
        JsonNode want = new ObjectMapper().readTree(Python.run(dir, REFERENCE, "data.txt"));

        List<String> names = new ArrayList<>();
        for (int k = 0; k < classes; k++) {
            names.add("class " + k);
        }
        ClassificationMetrics got = ClassificationMetrics.of(labels, p, names);
        assertEquals(want.get("accuracy").asDouble(), got.accuracy(), TOLERANCE);
        assertEquals(want.get("precision_macro").asDouble(), got.precisionMacro(), TOLERANCE);
        assertEquals(want.get("recall_macro").asDouble(), got.recallMacro(), TOLERANCE);
        assertEquals(want.get("f1_macro").asDouble(), got.f1Macro(), TOLERANCE);
        long[][] confusion = got.confusionMatrix().toArray();
        for (int t = 0; t < classes; t++) {
            for (int q = 0; q < classes; q++) {
                assertEquals(want.get("confusion_matrix").get(t).get(q).asLong(), confusion[t][q]);
            }
        }
        double aucSum = 0;
        int aucCount = 0;
        for (int k = 0; k < classes; k++) {
            JsonNode w = want.get("per_class").get(k);
            ClassMetrics g = got.perClass().get(k);
            String at = "class " + k;
            assertEquals(w.get("precision").asDouble(), g.precision(), TOLERANCE, at);
            assertEquals(w.get("recall").asDouble(), g.recall(), TOLERANCE, at);
            assertEquals(w.get("f1").asDouble(), g.f1(), TOLERANCE, at);
            assertEquals(w.get("specificity").asDouble(), g.specificity(), TOLERANCE, at);
            assertEquals(w.get("support").asLong(), g.support(), at);
            if (w.has("roc_auc")) {
                assertEquals(w.get("roc_auc").asDouble(), g.rocAuc(), TOLERANCE, at);
                assertCurve(w.get("roc"), got.rocCurve(k).orElseThrow(), 0);
                aucSum += g.rocAuc();
                aucCount++;
            } else {
                assertTrue(Double.isNaN(g.rocAuc()), at);
            }
            if (w.has("average_precision")) {
                assertEquals(w.get("average_precision").asDouble(), g.averagePrecision(), TOLERANCE, at);
                assertCurve(w.get("pr"), got.precisionRecallCurve(k).orElseThrow(), 1);
            } else {
                assertTrue(Double.isNaN(g.averagePrecision()), at);
            }
        }
        assertEquals(aucSum / aucCount, got.rocAucMacro(), TOLERANCE);
    }

    /** {@code want} is [x, y, thresholds]; thresholds start at {@code thresholdOffset} in ours. */
    private static void assertCurve(JsonNode want, Curve got, int thresholdOffset) {
        assertArrayEquals(doubles(want.get(0)), got.x(), TOLERANCE);
        assertArrayEquals(doubles(want.get(1)), got.y(), TOLERANCE);
        double[] thresholds = got.thresholds();
        assertArrayEquals(doubles(want.get(2)),
                java.util.Arrays.copyOfRange(thresholds, thresholdOffset, thresholds.length), TOLERANCE);
    }

    private static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }
}
