package org.lumen.core.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.LumenException;
import org.lumen.core.data.CocoDataset;
import org.lumen.core.data.CocoReader;
import org.lumen.core.data.ImageFolder;
import org.lumen.core.data.YoloDataset;
import org.lumen.core.data.YoloLabels;

/** The folder {@link SurveyWriter} writes: the layout contract, and the labels in its three forms agreeing. */
class SurveyLayoutTest {
    @TempDir
    static Path tmp;
    static Path dir;
    static SurveyWriter.Summary summary;
    static JsonNode truth;

    @BeforeAll
    static void writeOnce() throws IOException {
        dir = tmp.resolve("survey");
        summary = GalaxySurvey.builder().optCount(60).optSeed(3).build().write(dir);
        truth = new ObjectMapper().readTree(dir.resolve("survey.json").toFile());
    }

    @Test
    void classifyTreeIsAStratifiedImageFolder() throws IOException {
        List<ImageFolder> splits = ImageFolder.openSplits(dir.resolve("classify"), "train", "val", "test");
        int[][] expected = {{21, 21}, {5, 5}, {4, 4}}; // 30 per class: 70/15/15 by largest remainder
        for (int s = 0; s < 3; s++) {
            assertEquals(List.of("clumpy", "smooth"), splits.get(s).classes());
            for (int c = 0; c < 2; c++) {
                int label = c;
                assertEquals(expected[s][c], splits.get(s).samples().stream().filter(x -> x.label() == label).count());
            }
        }
        assertEquals(Map.of("train", 42, "val", 10, "test", 8), summary.perSplit());
        assertEquals(30, summary.clumpy());
        assertEquals(60, truth.get("galaxies").size());
        assertEquals(60, truth.get("summary").get("images").asInt());
    }

    @Test
    void everyGalaxyIsInDetectWithTheSameSplitAndBytes() throws IOException {
        for (JsonNode g : truth.get("galaxies")) {
            String split = g.get("split").asText(), file = g.get("file").asText();
            String cls = g.get("clumpy").asBoolean() ? "clumpy" : "smooth";
            Path classified = dir.resolve("classify").resolve(split).resolve(cls).resolve(file);
            Path detected = dir.resolve("detect/images").resolve(split).resolve(file);
            assertEquals(-1L, Files.mismatch(classified, detected), file);
            assertTrue(Files.isRegularFile(dir.resolve("detect/labels").resolve(split)
                    .resolve(file.replace(".png", ".txt"))), file);
        }
    }

    /** survey.json, COCO and YOLO give the same boxes; both label formats pass their validators. */
    @Test
    void cocoYoloAndTruthAgree() throws IOException {
        YoloDataset yolo = YoloDataset.read(dir.resolve("detect/data.yaml"));
        assertEquals(List.of("clump"), yolo.config().names());
        Map<String, List<YoloLabels.Label>> yoloByFile = new HashMap<>();
        yolo.splits().values().forEach(items -> items.forEach(
                item -> yoloByFile.put(item.image().getFileName().toString(), item.labels())));
        Map<String, List<double[]>> cocoByFile = new HashMap<>();
        for (String split : SurveyWriter.SPLITS) {
            CocoDataset coco = CocoReader.read(dir.resolve("detect/annotations/instances_" + split + ".json"),
                    dir.resolve("detect/images").resolve(split));
            assertEquals(List.of(new CocoDataset.Category(1, "clump", "galaxy feature")), coco.categories());
            Map<Long, String> names = new HashMap<>();
            coco.images().forEach(image -> names.put(image.id(), image.fileName()));
            coco.images().forEach(image -> cocoByFile.put(image.fileName(), new java.util.ArrayList<>()));
            coco.annotations().forEach(a -> cocoByFile.get(names.get(a.imageId()))
                    .add(new double[] {a.x(), a.y(), a.x() + a.width(), a.y() + a.height()}));
        }
        assertEquals(60, yoloByFile.size());
        assertEquals(60, cocoByFile.size());
        int clumps = 0;
        for (JsonNode g : truth.get("galaxies")) {
            String file = g.get("file").asText();
            List<YoloLabels.Label> labels = yoloByFile.get(file);
            List<double[]> boxes = cocoByFile.get(file);
            assertEquals(g.get("clumps").size(), labels.size(), file);
            assertEquals(g.get("clumps").size(), boxes.size(), file);
            for (int k = 0; k < labels.size(); k++) {
                JsonNode box = g.get("clumps").get(k).get("box");
                double[] expected = {box.get("x1").asDouble(), box.get("y1").asDouble(), box.get("x2").asDouble(),
                    box.get("y2").asDouble()};
                YoloLabels.Label l = labels.get(k);
                double[] fromYolo = {(l.cx() - l.width() / 2) * 64, (l.cy() - l.height() / 2) * 64,
                    (l.cx() + l.width() / 2) * 64, (l.cy() + l.height() / 2) * 64};
                for (int c = 0; c < 4; c++) {
                    assertEquals(expected[c], boxes.get(k)[c], 1e-9, file);
                    assertEquals(expected[c], fromYolo[c], 1e-4, file); // six decimals of 64 px
                }
                clumps++;
            }
        }
        assertEquals(summary.clumps(), clumps);
    }

    @Test
    void sameParametersReuseTheSurveyOthersAreRefused() throws IOException {
        SurveyWriter.Summary again = GalaxySurvey.builder().optCount(60).optSeed(3).build().write(dir);
        assertTrue(again.reused());
        assertEquals(summary.perSplit(), again.perSplit());
        LumenException e = assertThrows(LumenException.class,
                () -> GalaxySurvey.builder().optCount(60).optSeed(4).build().write(dir));
        assertEquals(dir.toString(), e.source());
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(other.resolve("notes.txt"), "mine");
        assertThrows(LumenException.class, () -> GalaxySurvey.builder().optCount(5).build().write(other));
        try (Stream<Path> left = Files.list(tmp)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().contains(".partial-")), "partial folder left");
        }
    }

    @Test
    void anEmptyExistingFolderIsFilled() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        SurveyWriter.Summary s = GalaxySurvey.builder().optCount(4).build().write(empty);
        assertEquals(4, s.images());
        assertTrue(Files.isRegularFile(empty.resolve("survey.json")));
    }
}
