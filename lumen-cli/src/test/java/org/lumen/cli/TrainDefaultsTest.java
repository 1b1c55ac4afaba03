package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lumen.nn.train.TrainDefaults;
import picocli.CommandLine;

/**
 * {@code train}'s learning rate and weight decay resolve per task and model family as {@code train --help} states
 * (YOLO 0.002 / 0.0005 as the demo, R-CNN 0.0001 / 0.05 as the README's and benchmarks' runs, the rest 0.001 /
 * 0.05), and a value given on the command line wins. Before: 0.001 / 0.05 for every model.
 */
class TrainDefaultsTest {
    private static TrainDefaults.Optimiser resolved(String... args) {
        TrainCommand c = new TrainCommand();
        new CommandLine(c).parseArgs(args);
        return c.optimiser();
    }

    private static String[] args(String task, String arch, String... more) {
        String[] base = {"--task", task, "--data", "d", "--arch", arch, "--out", "o"};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void defaultsFollowTheTaskAndFamily() {
        assertEquals(new TrainDefaults.Optimiser(0.002, 0.0005), resolved(args("detect", "yolov8n")));
        assertEquals(new TrainDefaults.Optimiser(0.002, 0.0005), resolved(args("detect", "yolov8s-seg")));
        assertEquals(new TrainDefaults.Optimiser(0.0001, 0.05), resolved(args("detect", "fasterrcnn_resnet18_fpn")));
        assertEquals(new TrainDefaults.Optimiser(0.0001, 0.05), resolved(args("detect", "maskrcnn_resnet50_fpn")));
        assertEquals(new TrainDefaults.Optimiser(0.0001, 0.05), resolved(args("detect",
                "fasterrcnn_mobilenet_v2_fpn")));
        assertEquals(new TrainDefaults.Optimiser(0.001, 0.05), resolved(args("classify", "resnet18")));
        assertEquals(new TrainDefaults.Optimiser(0.001, 0.05), resolved(args("segment", "unet-w16-d4")));
        // the task is the default (classify) when not given
        assertEquals(new TrainDefaults.Optimiser(0.001, 0.05), resolved("--data", "d", "--arch", "resnet18", "--out",
                "o"));
    }

    @Test
    void explicitValuesWin() {
        assertEquals(new TrainDefaults.Optimiser(0.01, 0.0005), resolved(args("detect", "yolov8n", "--lr", "0.01")));
        assertEquals(new TrainDefaults.Optimiser(0.0001, 0.1), resolved(args("detect", "fasterrcnn_resnet18_fpn",
                "--weight-decay", "0.1")));
        assertEquals(new TrainDefaults.Optimiser(0.003, 0.0), resolved(args("classify", "resnet18", "--lr", "0.003",
                "--weight-decay", "0")));
    }

    @Test
    void helpStatesTheDefaultsTheCodeUses() {
        Cli.Result r = Cli.run("train", "--help");
        assertEquals(0, r.exit(), r.toString());
        String help = r.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("(default per model family: " + TrainDefaults.YOLO_LR + " for YOLO, yolov8*, as the"
                + " demo; 0.0001 for Faster/Mask R-CNN, fasterrcnn_* and maskrcnn_*; " + TrainDefaults.LR + " for"
                + " classifiers and segmentation models)"), help);
        assertEquals(0.0001, TrainDefaults.RCNN_LR);
        assertTrue(help.contains("(default per model family: 0.0005 for YOLO, as the demo and Ultralytics; "
                + TrainDefaults.WEIGHT_DECAY + " for the others)"), help);
        assertEquals(0.0005, TrainDefaults.YOLO_WEIGHT_DECAY);
        assertEquals(TrainDefaults.WEIGHT_DECAY, TrainDefaults.RCNN_WEIGHT_DECAY);
    }

    @Test
    void aBadValueIsStillRefused() {
        Cli.assertBadInput(Cli.run("train", "--task", "detect", "--data", "d", "--arch", "yolov8n", "--lr", "0",
                "--out", "o"), "--lr", "must be in (0, 10)");
    }
}
