package org.lumen.cli;

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
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.nn.weights.SafeTensors;

/** The classification workflow end to end on a tiny synthetic survey: synth, train, val, predict, k-fold, benchmark. */
class ClassifyWorkflowTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RESULTS_HEADER = "epoch,train_loss,lr,val_loss,val_accuracy,val_precision_macro,val_recall_macro,"
            + "val_f1_macro,val_specificity_macro,val_roc_auc_macro,val_average_precision_macro";

    @TempDir
    static Path dir;
    static Path survey;
    static Path data;
    static Path run;

    @BeforeAll
    static void trainOnce() {
        survey = dir.resolve("survey");
        data = survey.resolve("classify");
        run = dir.resolve("run");
        Cli.Result synth = Cli.run("synth", "galaxies", "--out", survey, "--count", 40, "--size", 32);
        assertEquals(0, synth.exit(), synth::toString);
        Cli.Result train = Cli.run("train", "--task", "classify", "--data", data, "--arch", "resnet18", "--imgsz", 32,
                "--epochs", 1, "--batch", 8, "--seed", 3, "--out", run);
        assertEquals(0, train.exit(), train::toString);
        assertTrue(train.err().contains("epoch 1/1 "), train::toString);
    }

    @Test
    void synthWritesTheSurveyLayout() throws IOException {
        int images = 0;
        for (String split : List.of("train", "val", "test")) {
            for (String cls : List.of("clumpy", "smooth")) {
                List<Path> pngs = list(data.resolve(split).resolve(cls));
                assertTrue(!pngs.isEmpty() && pngs.stream().allMatch(p -> p.toString().endsWith(".png")), split + "/" + cls);
                images += pngs.size();
            }
            assertTrue(Files.isRegularFile(survey.resolve("detect/annotations/instances_" + split + ".json")), split);
            assertTrue(Files.isDirectory(survey.resolve("detect/labels/" + split)), split);
        }
        assertEquals(40, images);
        assertTrue(Files.isRegularFile(survey.resolve("detect/data.yaml")));
        assertTrue(Files.isRegularFile(survey.resolve("survey.json")));
    }

    @Test
    void trainWritesModelDirectoriesWithProvenance() throws IOException {
        for (String which : List.of("best", "last")) {
            JsonNode m = JSON.readTree(run.resolve(which).resolve("model.json").toFile());
            assertEquals(Set.of("task", "arch", "num_classes", "class_names", "imgsz", "channels", "normalisation",
                    "provenance"), names(m));
            assertEquals("classify", m.get("task").asText());
            assertEquals("resnet18", m.get("arch").asText());
            assertEquals(2, m.get("num_classes").asInt());
            assertEquals("[\"clumpy\",\"smooth\"]", m.get("class_names").toString());
            assertEquals(32, m.get("imgsz").asInt());
            assertEquals(3, m.get("channels").asInt());
            assertEquals(0.485, m.at("/normalisation/mean/0").asDouble(), 1e-6);
            assertEquals(0.225, m.at("/normalisation/std/2").asDouble(), 1e-6);
            JsonNode p = m.get("provenance");
            assertEquals(org.lumen.core.Version.VERSION, p.get("lumen_version").asText());
            assertTrue(p.hasNonNull("git_commit"), p::toString);
            assertEquals(3, p.get("seed").asLong());
            assertTrue(p.get("data_fingerprint").asText().matches("[0-9a-f]{16}-[0-9a-f]{16}"), p::toString);
            assertEquals(1, p.at("/config/epochs").asInt());
            assertEquals(8, p.at("/config/batch").asInt());
            assertEquals(3, p.at("/config/seed").asLong());
            try (SafeTensors st = SafeTensors.open(run.resolve(which).resolve("weights.safetensors"))) {
                SafeTensors.Entry fc = st.entries().get("fc.weight");
                assertArrayEquals(new long[] {2, 512}, fc.shape());
                assertEquals(SafeTensors.DType.F32, fc.dtype());
                assertTrue(st.entries().containsKey("layer4.1.bn2.running_var"));
            }
        }
        List<String> csv = Files.readAllLines(run.resolve("results.csv"));
        assertEquals(RESULTS_HEADER, csv.get(0));
        assertEquals(2, csv.size(), csv::toString);
        assertTrue(csv.get(1).startsWith("1,"), csv::toString);
        assertEquals(11, csv.get(1).split(",").length);
    }

    @Test
    void valWritesTheContractsMetricsAndPredictions() throws IOException {
        Path out = dir.resolve("val");
        Cli.Result r = Cli.run("val", "--model", run.resolve("best"), "--data", data, "--out", out);
        assertEquals(0, r.exit(), r::toString);
        JsonNode m = JSON.readTree(out.resolve("metrics.json").toFile());
        assertEquals(Set.of("classes", "accuracy", "precision_macro", "recall_macro", "f1_macro", "specificity_macro",
                "roc_auc_macro", "average_precision_macro", "confusion_matrix", "per_class"), names(m));
        assertEquals(Set.of("clumpy", "smooth"), names(m.get("per_class")));
        for (JsonNode c : m.get("per_class")) {
            assertEquals(Set.of("precision", "recall", "f1", "specificity", "roc_auc", "average_precision", "support"),
                    names(c));
        }
        List<String> rows = Files.readAllLines(out.resolve("predictions.csv"));
        assertEquals("image,label,predicted,p_clumpy,p_smooth", rows.get(0));
        int n = list(data.resolve("val/clumpy")).size() + list(data.resolve("val/smooth")).size();
        assertEquals(n + 1, rows.size());
        int correct = 0;
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            assertEquals(1.0, Double.parseDouble(f[3]) + Double.parseDouble(f[4]), 1e-5, row);
            correct += f[1].equals(f[2]) ? 1 : 0;
        }
        assertEquals(correct / (double) n, m.get("accuracy").asDouble(), 1e-9);
        int total = 0;
        for (JsonNode row : m.get("confusion_matrix")) {
            for (JsonNode v : row) {
                total += v.asInt();
            }
        }
        assertEquals(n, total);
    }

    @Test
    void predictJsonPrintsOneObjectPerImage() throws IOException {
        Cli.Result r = Cli.run("predict", "--model", run.resolve("best"), "--json", data.resolve("test"));
        assertEquals(0, r.exit(), r::toString);
        List<Path> images = new ArrayList<>(list(data.resolve("test/clumpy")));
        images.addAll(list(data.resolve("test/smooth")));
        assertEquals(images.size(), r.outLines().size(), r::toString);
        for (int i = 0; i < images.size(); i++) {
            JsonNode o = JSON.readTree(r.outLines().get(i));
            assertEquals(Set.of("image", "logits", "probabilities", "top"), names(o));
            assertEquals(images.get(i).toString(), o.get("image").asText());
            assertEquals(2, o.get("logits").size());
            double p0 = o.at("/probabilities/0").asDouble();
            double p1 = o.at("/probabilities/1").asDouble();
            assertEquals(1.0, p0 + p1, 1e-5);
            JsonNode top = o.get("top").get(0);
            assertEquals(Set.of("index", "class", "probability"), names(top));
            int best = p1 > p0 ? 1 : 0;
            assertEquals(best, top.get("index").asInt());
            assertEquals(List.of("clumpy", "smooth").get(best), top.get("class").asText());
            assertEquals(Math.max(p0, p1), top.get("probability").asDouble(), 1e-7);
        }
    }

    /** What predict prints equals torchvision's resnet18 on the saved weights, on the same images. */
    @Test
    void predictJsonLogitsEqualTorchvisionOnTheSavedWeights() throws IOException {
        Cli.Result r = Cli.run("predict", "--model", run.resolve("best"), "--json", data.resolve("test"));
        assertEquals(0, r.exit(), r::toString);
        List<JsonNode> lines = FrontDoor.jsonLinesByImage(r.out());
        float[][] want = torchvisionLogits(lines.stream().map(o -> o.get("image").asText()).toList(), "test");
        float[][] got = new float[lines.size()][];
        for (int i = 0; i < got.length; i++) {
            got[i] = FrontDoor.floats(lines.get(i).get("logits"));
        }
        double diff = FrontDoor.maxAbsDiff(got, want);
        double scale = FrontDoor.maxAbs(want);
        assertTrue(scale > 0 && diff <= 1e-4 * scale, "max |diff| " + diff + " of max |logit| " + scale);
    }

    /**
     * val's metrics.json equals scikit-learn's metrics of its own predictions.csv, and those predictions are the
     * softmax of torchvision's logits for the same images (so the metrics are of the right predictions).
     */
    @Test
    void valMetricsEqualScikitLearnOnTorchvisionsPredictions() throws IOException {
        Path out = dir.resolve("val-ref");
        Cli.Result r = Cli.run("val", "--model", run.resolve("best"), "--data", data, "--out", out);
        assertEquals(0, r.exit(), r::toString);
        JsonNode m = JSON.readTree(out.resolve("metrics.json").toFile());
        Path ref = dir.resolve("val-ref-sklearn.json");
        FrontDoor.reference(dir.resolve("python"), "workflow_reference.py", "metrics",
                out.resolve("predictions.csv").toString(), ref.toString());
        JsonNode want = JSON.readTree(ref.toFile());
        for (String key : List.of("accuracy", "precision_macro", "recall_macro", "f1_macro")) {
            assertEquals(want.get(key).asDouble(), m.get(key).asDouble(), 1e-9, key);
        }
        assertEquals(want.get("confusion_matrix"), m.get("confusion_matrix"));
        List<String> names = List.of("clumpy", "smooth");
        for (int k = 0; k < names.size(); k++) {
            JsonNode c = m.get("per_class").get(names.get(k));
            assertEquals(want.at("/roc_auc_per_class/" + k).asDouble(), c.get("roc_auc").asDouble(), 1e-9, names.get(k));
            assertEquals(want.at("/average_precision_per_class/" + k).asDouble(), c.get("average_precision").asDouble(),
                    1e-9, names.get(k));
        }
        List<String> rows = Files.readAllLines(out.resolve("predictions.csv"));
        rows = rows.subList(1, rows.size());
        List<String> images = rows.stream().map(row -> resolveImage(row.split(",")[0])).toList();
        float[][] logits = torchvisionLogits(images, "val");
        for (int i = 0; i < rows.size(); i++) {
            String[] f = rows.get(i).split(",");
            double e0 = Math.exp(logits[i][0]);
            double e1 = Math.exp(logits[i][1]);
            assertEquals(e0 / (e0 + e1), Double.parseDouble(f[3]), 1e-4, rows.get(i));
            assertEquals(names.get(logits[i][1] > logits[i][0] ? 1 : 0), f[2], rows.get(i));
        }
    }

    /** predictions.csv names an image absolutely or relative to the data folder. */
    private static String resolveImage(String image) {
        Path p = Path.of(image);
        return (p.isAbsolute() ? p : Files.exists(p) ? p : data.resolve(p)).toAbsolutePath().toString();
    }

    private static float[][] torchvisionLogits(List<String> images, String name) throws IOException {
        Path npy = dir.resolve("torchvision." + name + ".npy");
        List<String> args = new ArrayList<>(List.of("classify", "resnet18",
                run.resolve("best/weights.safetensors").toString(), "2", "32", npy.toString()));
        args.addAll(images);
        FrontDoor.reference(dir.resolve("python"), "workflow_reference.py", args.toArray(String[]::new));
        return FrontDoor.rows(org.lumen.core.io.Npy.read(npy));
    }

    @Test
    void bareWeightsGiveTheSameLogitsAsTheModelDirectory() throws IOException {
        Path image = list(data.resolve("test/smooth")).get(0);
        Cli.Result dirModel = Cli.run("predict", "--model", run.resolve("best"), "--json", image);
        Cli.Result bare = Cli.run("predict", "--arch", "resnet18", "--weights", run.resolve("best/weights.safetensors"),
                "--classes", 2, "--imgsz", 32, "--json", image);
        assertEquals(0, dirModel.exit(), dirModel::toString);
        assertEquals(0, bare.exit(), bare::toString);
        JsonNode a = JSON.readTree(dirModel.out()).get("logits");
        JsonNode b = JSON.readTree(bare.out()).get("logits");
        assertEquals(a.get(0).floatValue(), b.get(0).floatValue(), 1e-6f);
        assertEquals(a.get(1).floatValue(), b.get(1).floatValue(), 1e-6f);
        assertEquals(JSON.readTree(dirModel.out()).at("/top/0/index"), JSON.readTree(bare.out()).at("/top/0/index"));
    }

    @Test
    void foldsWriteEachFoldAndTheirSummary() throws IOException {
        Path cv = dir.resolve("cv");
        Cli.Result r = Cli.run("train", "--data", data, "--arch", "resnet18", "--imgsz", 32, "--epochs", 1, "--batch", 8,
                "--folds", 2, "--out", cv);
        assertEquals(0, r.exit(), r::toString);
        for (String fold : List.of("fold1", "fold2")) {
            assertTrue(Files.isRegularFile(cv.resolve(fold).resolve("best/model.json")), fold);
            assertTrue(Files.isRegularFile(cv.resolve(fold).resolve("last/weights.safetensors")), fold);
            assertEquals(RESULTS_HEADER, Files.readAllLines(cv.resolve(fold).resolve("results.csv")).get(0));
        }
        JsonNode s = JSON.readTree(cv.resolve("folds.json").toFile());
        assertEquals(2, s.get("folds").asInt());
        for (String metric : List.of("accuracy", "f1_macro", "roc_auc_macro")) {
            JsonNode m = s.at("/metrics/" + metric);
            assertEquals(Set.of("per_fold", "mean", "sd"), names(m), metric);
            double a = m.at("/per_fold/0").asDouble();
            double b = m.at("/per_fold/1").asDouble();
            assertEquals((a + b) / 2, m.get("mean").asDouble(), 1e-9, metric);
            assertEquals(Math.abs(a - b) / Math.sqrt(2), m.get("sd").asDouble(), 1e-9, metric);
        }
    }

    @Test
    void benchmarkJsonIsParseable() throws IOException {
        Cli.Result r = Cli.run("benchmark", "--arch", "resnet18", "--imgsz", 32, "--batch", 2, "--seconds", 0.2, "--json");
        assertEquals(0, r.exit(), r::toString);
        assertEquals(1, r.outLines().size(), r::toString);
        JsonNode o = JSON.readTree(r.out());
        assertEquals("resnet18", o.get("arch").asText());
        assertEquals(32, o.get("imgsz").asInt());
        assertEquals(2, o.get("batch").asInt());
        assertTrue(o.get("iterations").asInt() >= 3, o::toString);
        assertTrue(o.get("ms_per_image").asDouble() > 0, o::toString);
        assertTrue(o.get("images_per_second").asDouble() > 0, o::toString);
    }

    static Set<String> names(JsonNode o) {
        Set<String> s = new TreeSet<>();
        o.fieldNames().forEachRemaining(s::add);
        return s;
    }

    static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.sorted().toList();
        }
    }
}
