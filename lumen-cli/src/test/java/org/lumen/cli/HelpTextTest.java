package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lumen.nn.detect.DetectionNets;
import org.lumen.nn.models.backbone.Backbones;
import picocli.CommandLine;

/**
 * Help texts wrap once: picocli prints each element of a description on a line of its own and wraps it to the
 * terminal, so an element that stops mid-sentence (a paragraph hard-wrapped in the source) came out as a ragged
 * line; train's --arch lists every architecture the registries build; and --imgsz has one range, refused alike by
 * every command that takes it.
 */
class HelpTextTest {
    @TempDir
    Path dir;

    static List<List<String>> commands() {
        return HelpAndVersionTest.commands().toList();
    }

    private static CommandLine find(List<String> path) {
        CommandLine cl = Main.commandLine();
        for (String p : path) {
            cl = cl.getSubcommands().get(p);
        }
        return cl;
    }

    /** Elements other than the last that end mid-sentence (neither a list item nor a blank line follows). */
    static List<String> midSentenceBreaks(String[] description) {
        List<String> bad = new ArrayList<>();
        for (int i = 0; i + 1 < description.length; i++) {
            String a = description[i].strip();
            String b = description[i + 1];
            boolean ends = a.isEmpty() || ".:!?".indexOf(a.charAt(a.length() - 1)) >= 0;
            if (!ends && !b.isBlank() && !b.startsWith(" ")) {
                bad.add(a.substring(Math.max(0, a.length() - 40)) + " | " + b.substring(0, Math.min(40, b.length())));
            }
        }
        return bad;
    }

    @ParameterizedTest(name = "lumen {0} --help")
    @MethodSource("commands")
    void descriptionsAreParagraphsNotSourceLines(List<String> command) {
        CommandLine cl = find(command);
        List<String> bad = new ArrayList<>(midSentenceBreaks(cl.getCommandSpec().usageMessage().description()));
        for (CommandLine.Model.ArgSpec arg : cl.getCommandSpec().args()) {
            midSentenceBreaks(arg.description()).forEach(b -> bad.add(arg + ": " + b));
        }
        assertEquals(List.of(), bad, "hard-wrapped in the source");
        cl.setUsageHelpWidth(200);
        String usage = cl.getUsageMessage();
        for (String broken : List.of("metrics. json", "random\nnormalised", "per-class\nprecision", "stratified\nk-fold")) {
            assertFalse(usage.contains(broken), broken);
        }
    }

    @Test
    void trainHelpListsEveryRegisteredArchitecture() {
        Cli.Result r = Cli.run("train", "--help");
        assertEquals(0, r.exit(), r.toString());
        String text = r.out().replaceAll("\\s+", " ");
        List<String> archs = new ArrayList<>(Backbones.names());
        archs.addAll(DetectionNets.names());
        assertTrue(archs.containsAll(List.of("resnet18", "yolov8n", "yolov8n-seg", "fasterrcnn_resnet50_fpn",
                "maskrcnn_resnet50_fpn")), archs::toString);
        for (String a : archs) {
            assertTrue(text.contains(" " + a + ",") || text.contains(" " + a + "."), a + " missing from " + text);
        }
    }

    @Test
    void imgszAboveTheOneLimitIsRefusedAlikeEverywhere() throws Exception {
        Path model = TestModels.save(dir.resolve("model"), List.of("a", "b"));
        Path w = model.resolve("weights.safetensors");
        String tooBig = String.valueOf(ModelOptions.MAX_IMGSZ + 1);
        Path image = dir.resolve("im.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_INT_RGB),
                "png", image.toFile());
        List<List<Object>> runs = List.of(
                List.of("predict", "--model", model, "--imgsz", tooBig, image),
                List.of("predict", "--arch", "resnet18", "--weights", w, "--classes", 2, "--imgsz", tooBig, image),
                List.of("train", "--data", dir, "--arch", "resnet18", "--imgsz", tooBig, "--out", dir.resolve("r1")),
                List.of("train", "--task", "detect", "--data", dir, "--arch", "yolov8n", "--imgsz", tooBig, "--out",
                        dir.resolve("r2")),
                List.of("explain", "--model", model, "--imgsz", tooBig, "--out", dir.resolve("x"), image),
                List.of("segment-classify", "--seg-model", model, "--data", dir, "--arch", "resnet18", "--imgsz", tooBig,
                        "--out", dir.resolve("s")));
        for (List<Object> run : runs) {
            Cli.Result r = Cli.run(run.toArray());
            assertEquals(2, r.exit(), run + ": " + r);
            assertEquals(List.of("error: --imgsz: must be between 16 and 4096, got 4097"), r.errLines(), run + ": " + r);
            assertEquals("", r.out(), run + ": " + r);
        }
    }
}
