package org.lumen.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.LumenException;

class YoloTest {
    @TempDir
    Path dir;

    @Test
    void everyBadLineIsReportedWithFileAndLine() throws IOException {
        Path file = Files.writeString(dir.resolve("a.txt"), String.join("\n",
                "0 0.5 0.5 0.2 0.2",
                "",
                "1 0.5 0.5 0.2",
                "3 0.5 0.5 0.2 0.2",
                "x 0.5 0.5 0.2 0.2",
                "0 1.5 0.5 0.2 0.2",
                "0 0.5 abc 0.2 0.2",
                "0 0.5 0.5 0 0.2",
                "1.0 0.5 0.5 0.2 0.2"));
        LumenException e = assertThrows(LumenException.class, () -> YoloLabels.read(file, 2));
        assertEquals(file.toString(), e.source());
        assertEquals(List.of(
                "7 faults",
                "  a.txt:3: expected 5 fields 'class cx cy w h', found 4: 1 0.5 0.5 0.2",
                "  a.txt:4: class 3 out of range [0, 2)",
                "  a.txt:5: class should be a whole number, found 'x'",
                "  a.txt:6: cx 1.5 outside [0, 1]",
                "  a.txt:7: cy should be a number, found 'abc'",
                "  a.txt:8: w is 0: a box needs a positive size",
                "  a.txt:9: class should be a whole number, found '1.0'"), e.getMessage().lines().toList());
    }

    @Test
    void labelsRoundTrip() throws IOException {
        List<YoloLabels.Label> labels = List.of(new YoloLabels.Label(1, 0.25, 0.5, 0.125, 0.0625),
                new YoloLabels.Label(0, 0.75, 0.1, 0.2, 0.3));
        Path file = dir.resolve("labels/x.txt");
        YoloLabels.write(file, labels);
        assertEquals("1 0.250000 0.500000 0.125000 0.062500", Files.readAllLines(file).get(0));
        assertEquals(labels, YoloLabels.read(file, 2));
        YoloLabels.write(file, List.of());
        assertEquals(0, Files.size(file));
    }

    @Test
    void dataYamlRoundTripsAndReadsUltralyticsForms() throws IOException {
        DataYaml config = new DataYaml("/data/my set", "images/train", "images/val", null, List.of("clump", "star's"));
        Path file = dir.resolve("data.yaml");
        config.write(file);
        assertEquals(config, DataYaml.read(file));

        Files.writeString(file, """
                # from the Ultralytics docs
                path: ../datasets/coco8  # dataset root dir
                train: images/train
                val: "images/val"
                download: |
                  print("not for us")
                names: [person, 'bicycle', car]
                """);
        DataYaml flow = DataYaml.read(file);
        assertEquals(List.of("person", "bicycle", "car"), flow.names());
        assertEquals("images/val", flow.val());
        assertEquals(dir.resolve("../datasets/coco8"), flow.root(file));

        Files.writeString(file, "train: a\nval: b\nnc: 3\nnames:\n  - x\n  - y\n");
        LumenException e = assertThrows(LumenException.class, () -> DataYaml.read(file));
        assertEquals("  data.yaml:3: nc 3 but 2 names", e.getMessage().lines().toList().get(1));
    }

    /** A dataset read through data.yaml collects the faults of all its label files at once. */
    @Test
    void datasetReportsFaultsOfAllLabelFiles() throws IOException {
        new DataYaml(null, "images/train", "images/val", null, List.of("clump")).write(dir.resolve("data.yaml"));
        for (String split : List.of("train", "val")) {
            Files.createDirectories(dir.resolve("images").resolve(split));
            Files.createDirectories(dir.resolve("labels").resolve(split));
            Files.writeString(dir.resolve("images").resolve(split).resolve("g.png"), "x");
        }
        Files.writeString(dir.resolve("images/train/h.png"), "x"); // no label file: no objects
        Files.writeString(dir.resolve("labels/train/g.txt"), "1 0.5 0.5 0.1 0.1\n");
        Files.writeString(dir.resolve("labels/val/g.txt"), "0 0.5 0.5 0.1\n");
        LumenException e = assertThrows(LumenException.class, () -> YoloDataset.read(dir.resolve("data.yaml")));
        assertEquals(List.of("2 faults",
                "  labels/train/g.txt:1: class 1 out of range [0, 1)",
                "  labels/val/g.txt:1: expected 5 fields 'class cx cy w h', found 4: 0 0.5 0.5 0.1"),
                e.getMessage().lines().toList());

        Files.writeString(dir.resolve("labels/train/g.txt"), "0 0.5 0.5 0.1 0.1\n");
        Files.writeString(dir.resolve("labels/val/g.txt"), "");
        YoloDataset dataset = YoloDataset.read(dir.resolve("data.yaml"));
        assertEquals(2, dataset.splits().get("train").size());
        assertEquals(1, dataset.splits().get("train").get(0).labels().size());
        assertEquals(List.of(), dataset.splits().get("train").get(1).labels());
    }
}
