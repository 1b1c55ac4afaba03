package org.lumen.nn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.LumenException;
import org.lumen.core.image.Image;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.segment.Segmenter;

/** The one model abstraction: a model directory, loading by task, and one run API for any image size. */
class ModelTest {
    @TempDir
    Path tmp;

    private static ModelInfo info(String task, String arch, int k) {
        float[][] norm = ModelInfo.defaultNormalisation(3);
        return new ModelInfo(task, arch, ModelInfo.anonymousClasses(k), 32, 3, norm[0], norm[1], null);
    }

    private static Image image(int h, int w, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] px = new float[3 * h * w];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) r.nextDouble();
        }
        return new Image(3, h, w, px, 8, Image.Scale.NORMALISED);
    }

    @Test
    void classifierRoundTripsAndRunsAnySizeInOneBatch() throws Exception {
        Path dir = tmp.resolve("cls");
        try (Classifier c = Classifier.create(info("classify", "squeezenet1_1", 3), 7)) {
            c.save(dir, null);
        }
        assertTrue(Files.isRegularFile(dir.resolve(ModelDir.WEIGHTS)));
        Image a = image(40, 24, 1);
        Image b = image(32, 32, 2);
        try (Model m = Model.load(dir)) {
            Classifier c = assertInstanceOf(Classifier.class, m);
            List<Classification> both = c.run(List.of(a, b));
            assertEquals(2, both.size());
            for (Classification r : both) {
                assertEquals(3, r.logits().length);
                double sum = 0;
                for (float p : r.probabilities()) {
                    sum += p;
                }
                assertEquals(1.0, sum, 1e-5);
                assertEquals(r.top(3)[0], r.top());
            }
            // the one API is the old path: prepare + logits + softmax, image by image
            float[][] old = c.logits(c.prepare(a), 1);
            assertArrayEquals(old[0], both.get(0).logits(), 1e-4f);
            assertArrayEquals(Classifier.softmax(old)[0], both.get(0).probabilities(), 1e-5f);
            assertArrayEquals(c.run(List.of(b)).get(0).logits(), both.get(1).logits(), 1e-4f);
        }
    }

    @Test
    void aDirectoryOfAnotherTaskIsRefusedNamingItsModelJson() throws Exception {
        Path dir = tmp.resolve("cls");
        try (Classifier c = Classifier.create(info("classify", "squeezenet1_1", 2), 0)) {
            c.save(dir, null);
        }
        LumenException e = assertThrows(LumenException.class, () -> Segmenter.load(dir));
        assertEquals(dir.resolve("model.json").toString(), e.source());
        assertEquals("task is 'classify', not a segmentation model", e.getMessage());
        Files.writeString(dir.resolve("model.json"), Files.readString(dir.resolve("model.json"))
                .replace("\"classify\"", "\"count\""));
        e = assertThrows(LumenException.class, () -> Model.load(dir));
        assertEquals("unknown task 'count' (classify, segment or detect)", e.getMessage());
    }

    @Test
    void theThreeTasksAreFoundAsProvidersInOrder() {
        assertEquals(List.of("classify", "segment", "detect"), ModelLoader.all().stream().map(ModelLoader::task).toList());
    }

    @Test
    void withImgszKeepsEverythingElseAndChecksTheOneRange() {
        ModelInfo i = info("classify", "resnet18", 4);
        ModelInfo r = i.withImgsz(64);
        assertEquals(64, r.imgsz());
        assertEquals(i.classNames(), r.classNames());
        assertArrayEquals(i.mean(), r.mean());
        assertEquals(16, i.withImgsz(16).imgsz());
        assertEquals(4096, i.withImgsz(4096).imgsz());
        LumenException e = assertThrows(LumenException.class, () -> i.withImgsz(15));
        assertTrue(e.isSetting());
        assertEquals("imgsz", e.source());
        assertEquals("must be between 16 and 4096, got 15", e.getMessage());
        assertThrows(LumenException.class, () -> i.withImgsz(4097));
        ModelDir d = new ModelDir(Path.of("m"), i);
        assertEquals(d, d.withImgsz(32));
        assertEquals(48, d.withImgsz(48).info().imgsz());
    }

    @Test
    void segmenterGivesClassMapsAtEachImagesSize() throws Exception {
        Path dir = tmp.resolve("seg");
        try (Segmenter s = Segmenter.create(info("segment", "unet-w8-d2", 3), 3)) {
            s.save(dir, null);
        }
        Image a = image(20, 30, 5);
        Image b = image(50, 40, 6);
        try (Model m = Model.load(dir)) {
            Segmenter s = assertInstanceOf(Segmenter.class, m);
            List<Segmentation> out = s.run(List.of(a, b));
            assertEquals(20, out.get(0).height());
            assertEquals(30, out.get(0).width());
            assertEquals(50 * 40, out.get(1).classes().length);
            long[] counts = out.get(1).counts(3);
            assertEquals(50 * 40, counts[0] + counts[1] + counts[2]);
            // batched or alone, the same map; and the same as the old predict path
            assertArrayEquals(s.run(List.of(b)).get(0).classes(), out.get(1).classes());
            assertArrayEquals(s.predict(s.prepare(a), 20, 30), out.get(0).classes());
        }
    }
}
