package org.lumen.core.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.data.MaskFolder;
import org.lumen.core.data.YoloSegLabels;
import org.lumen.core.geometry.Polygons;
import org.lumen.core.geometry.Rle;
import org.lumen.core.io.AtomicFiles;

/** The masks of the synthetic survey: their definition, their files, and that they only add to the survey. */
class SurveyMasksTest {
    @TempDir
    static Path tmp;
    static Path dir;
    static GalaxySurvey survey;

    @BeforeAll
    static void writeOnce() throws IOException {
        dir = tmp.resolve("survey");
        survey = GalaxySurvey.builder().optCount(30).optSeed(5).build();
        survey.write(dir);
    }

    @Test
    void footprintIsTheIsophoteOfTheNoiselessModelAndClumpsAreDrawnOver() {
        for (int k = 0; k < 30; k++) {
            Galaxy g = survey.galaxy(k);
            double[][] bands = survey.noiseless(g);
            byte[] mask = SurveyMasks.classes(g, bands, 64);
            double threshold = SurveyMasks.FOOTPRINT_SIGMAS * Math.sqrt(g.sky().r());
            int galaxy = 0;
            for (int p = 0; p < mask.length; p++) {
                boolean inClump = false;
                for (Galaxy.Clump c : g.clumps()) {
                    inClump |= SurveyMasks.clump(c, 64)[p] == 1;
                }
                int want = inClump ? 2 : bands[GalaxyRenderer.R][p] >= threshold ? 1 : 0;
                assertEquals(want, mask[p], "galaxy " + k + " pixel " + p);
                galaxy += mask[p] == 1 ? 1 : 0;
            }
            // a footprint, not the whole cut-out nor a speck
            assertTrue(galaxy > 40 && galaxy < 64 * 64 * 0.9, "footprint of " + galaxy + " pixels in galaxy " + k);
        }
    }

    @Test
    void clumpMaskIsTheTwoSigmaDiscInsideItsBox() {
        Galaxy.Clump c = new Galaxy.Clump(10.0, 20.0, 1.5, 0.1, Galaxy.Box.around(10, 20, 3, 64));
        byte[] m = SurveyMasks.clump(c, 64);
        assertEquals(1, m[19 * 64 + 9]); // centre (9.5, 19.5), 0.7 px away
        assertEquals(1, m[19 * 64 + 12]); // centre (12.5, 19.5): 2.55 px < 3
        assertEquals(0, m[19 * 64 + 13]); // 3.54 px
        assertEquals(0, m[22 * 64 + 12]); // (12.5, 22.5): 3.54 px
        // offsets (i + 1/2, j + 1/2) of norm <= 3: |dx| 1/2 and 3/2 allow 6 values of dy each, 5/2 allows 4; two signs
        assertEquals(32, Rle.encode(m, 64, 64).area());
    }

    @Test
    void segmentTreeIsAMaskDatasetWithEveryGalaxyAndRleClumps() throws IOException {
        Path seg = dir.resolve("segment");
        assertEquals(SurveyMasks.CLASSES, MaskFolder.readClasses(seg));
        int images = 0, clumps = 0;
        for (String split : SurveyWriter.SPLITS) {
            MaskFolder f = MaskFolder.open(seg, split);
            images += f.samples().size();
            for (MaskFolder.Sample s : f.samples()) {
                assertArrayEquals(Files.readAllBytes(dir.resolve("detect/images").resolve(split).resolve(s.image().getFileName())),
                        Files.readAllBytes(s.image()));
                int k = Integer.parseInt(s.stem().substring("galaxy_".length()));
                Galaxy g = survey.galaxy(k);
                assertArrayEquals(SurveyMasks.classes(g, survey.noiseless(g), 64), MaskFolder.readMask(s.mask(), 64, 64, 3));
            }
            JsonNode coco = new ObjectMapper().readTree(seg.resolve("annotations/instances_" + split + ".json").toFile());
            Map<Integer, List<Rle>> byImage = new java.util.HashMap<>();
            for (JsonNode a : coco.get("annotations")) {
                Rle rle = Rle.fromCompressedString(a.get("segmentation").get("counts").asText(), 64, 64);
                assertEquals(rle.area(), a.get("area").asDouble());
                byImage.computeIfAbsent(a.get("image_id").asInt(), k -> new java.util.ArrayList<>()).add(rle);
                clumps++;
            }
            // the YOLO-seg labels outline the same clumps, in the same order, and rasterise back to their masks
            for (MaskFolder.Sample s : f.samples()) {
                int k = Integer.parseInt(s.stem().substring("galaxy_".length()));
                List<YoloSegLabels.Instance> labels = YoloSegLabels.read(
                        seg.resolve("labels").resolve(split).resolve(s.stem() + ".txt"), 1);
                List<Rle> rles = byImage.getOrDefault(k + 1, List.of());
                assertEquals(rles.size(), labels.size(), s.stem());
                for (int i = 0; i < labels.size(); i++) {
                    double[] xy = Polygons.scale(labels.get(i).xy(), 1.0 / 64, 1.0 / 64);
                    assertEquals(rles.get(i), Rle.fromPolygon(xy, 64, 64), s.stem() + " clump " + i);
                }
            }
        }
        assertEquals(30, images);
        JsonNode truth = new ObjectMapper().readTree(dir.resolve("survey.json").toFile());
        assertEquals(truth.get("summary").get("clumps").asInt(), clumps);
    }

    @Test
    void aSurveyWrittenBeforeMasksGetsThemAddedAndNothingElseChanges() throws IOException {
        Path old = tmp.resolve("old");
        survey.write(old);
        Map<String, byte[]> before = GalaxySurveyTest.contents(old);
        AtomicFiles.deleteTree(old.resolve("segment"));
        SurveyWriter.Summary s = survey.write(old);
        assertTrue(s.reused());
        Map<String, byte[]> after = GalaxySurveyTest.contents(old);
        assertEquals(before.keySet(), after.keySet());
        for (String name : before.keySet()) {
            assertArrayEquals(before.get(name), after.get(name), name);
        }
        try (var left = Files.list(old)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith(".")).toList());
        }
    }
}
