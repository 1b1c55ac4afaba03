package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.data.ImageFolder;
import org.lumen.core.synth.GalaxySurvey;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.classify.Evaluation;
import org.lumen.nn.classify.FolderImages;
import org.lumen.nn.classify.ModelInfo;

/**
 * The demo's explanation step and report on a small survey and an untrained resnet18: the picked galaxies, their
 * overlays, the pointing game over exactly the clumpy ones, and the report's explanation column.
 */
class DemoExplanationsTest {
    @TempDir
    Path tmp;

    @Test
    void explainsPickedGalaxiesAndReportsTheirScores() throws IOException {
        Path survey = tmp.resolve("survey");
        GalaxySurvey.builder().optCount(40).optSeed(4).optSize(DemoCommand.IMGSZ).build().write(survey);
        ModelInfo info = new ModelInfo("classify", DemoCommand.ARCH, List.of("clumpy", "smooth"), DemoCommand.IMGSZ,
                3, ModelInfo.IMAGENET_MEAN, ModelInfo.IMAGENET_STD, null);
        FolderImages images = FolderImages.load(ImageFolder.open(survey.resolve("classify"), "test"),
                DemoCommand.IMGSZ, 3);
        try (Classifier model = Classifier.create(info, 1)) {
            Evaluation e = Evaluation.of(model, images, 16);
            List<Integer> picked = DemoExplanations.pick(e, images);
            assertEquals(Math.min(DemoExplanations.COUNT, images.size()), picked.size());
            assertEquals(picked.size(), new HashSet<>(picked).size(), "no galaxy twice");

            DemoExplanations x = DemoExplanations.run(model, e, images,
                    survey.resolve("detect/annotations/instances_test.json"), tmp.resolve("run/explain"));
            assertEquals(picked, List.copyOf(x.shown.keySet()));
            long clumpy = picked.stream().filter(i -> images.label(i) == 0).count();
            Map<?, ?> pointing = (Map<?, ?>) x.summary.get("pointing_game");
            assertEquals(clumpy, ((Number) pointing.get("images")).longValue(), "pointing game over the clumpy ones");
            for (DemoExplanations.Shown s : x.shown.values()) {
                assertTrue(Files.size(s.overlay()) > 100);
                double del = s.scores().deletion().auc();
                assertTrue(del >= 0 && del <= 1, "deletion AUC " + del);
            }
            assertTrue(Files.isRegularFile(x.curves));

            Path report = DemoReport.write(tmp, tmp.resolve("run"), tmp.resolve("run/test"), e, images, x, null, "test",
                    1.0);
            String html = Files.readString(report);
            assertTrue(html.contains("<h2>Explanations</h2>") && html.contains("pointing game (clumpy galaxies"), html);
            String overlay = x.shown.values().iterator().next().overlay().getFileName().toString();
            assertTrue(html.contains(overlay), "overlay in a grid cell");
        }
    }
}
