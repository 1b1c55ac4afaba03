package org.lumen.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.lumen.core.LumenException;
import org.lumen.core.data.ImageFolder;
import org.lumen.core.data.MaskFolder;
import org.lumen.nn.segment.MaskImages;
import org.lumen.nn.segment.SegmentationEvaluation;
import org.lumen.nn.segment.SegmentationReport;
import org.lumen.nn.model.ModelDir;
import org.lumen.nn.segment.Segmenter;
import org.lumen.nn.train.SegmentationLoss;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.classify.ClassificationReport;
import org.lumen.nn.classify.Evaluation;
import org.lumen.nn.classify.FolderImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lumen val}: evaluate a classifier (ImageFolder) or a segmentation model (mask folders) on a split. */
@Command(name = "val", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a model on a dataset split. Writes OUT/metrics.json (accuracy, macro and per-class "
            + "precision, recall, F1, specificity, ROC AUC, average precision, confusion matrix; scikit-learn's "
            + "definitions), OUT/predictions.csv, and ROC, PR and confusion-matrix plots. OUT is replaced whole.",
            "For a detector: OUT/metrics.json (COCO statistics, mAP50, completeness and purity at --iou and --conf, "
            + "per-class AP, confusion matrix with background, ms per image), detections.json and ground_truth.json "
            + "(COCO; lumen coco-eval on them gives the same statistics), PR, F1 and confusion-matrix plots.",
            "A segmentation model (its model.json says task segment) is evaluated on a mask dataset at its input "
            + "size: metrics.json has pixel_accuracy, dice/iou per class, their means over the non-background "
            + "classes, dice/iou of the whole foreground and boundary F1 (tolerance 2 px); predictions.csv has one "
            + "row per image and predictions.png shows predictions (tinted) over images with the true boundaries."},
        footer = {"", "Examples:", "  lumen val --model runs/clumps/best --data survey/classify",
            "  lumen val --model runs/clumps/best --data survey/classify --split test --out runs/clumps/test",
            "  lumen val --model runs/det/best --data survey/detect --split test --iou 0.5 --conf 0.3",
            "  lumen val --model runs/seg/best --data survey/segment --split test --out runs/seg/test"})
final class ValCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "M", description = "Model directory.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "D", description = "ImageFolder root (classification), detection dataset (data.yaml or COCO folder) or mask dataset root (segmentation).")
    Path data;

    @Option(names = "--task", description = "classify, detect or segment; optional, the model's model.json says which (a mismatch is refused).")
    String task;

    @Option(names = "--split", defaultValue = "val", description = "val or test (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "B", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--out", paramLabel = "OUT", description = "Output folder (default: <model>/../val-<split>).")
    Path out;

    @Option(names = "--conf", paramLabel = "C", description = "Detectors: confidence for completeness, purity and the confusion matrix (default: the detector's, e.g. 0.25).")
    Double conf;

    @Option(names = "--iou", defaultValue = "0.5", paramLabel = "T", description = "Detectors: IoU at which a detection matches an object (default: ${DEFAULT-VALUE}).")
    double iou;

    @Mixin
    BandsOption bands;

    @Option(names = "--agnostic", description = "Detectors: completeness and purity ignore classes.")
    boolean agnostic;

    @Override
    public Integer call() throws IOException {
        if (!List.of("val", "test", "train").contains(split)) {
            throw new LumenException("--split", "must be val or test (or train), got '" + split + "'");
        }
        Flags.between("--batch", batch, 1, Flags.MAX_BATCH);
        Path target = out != null ? out : model.toAbsolutePath().getParent().resolve("val-" + split);
        ModelDir dir = ModelDir.open(model); // model.json read once
        String modelTask = dir.task();
        if (task != null && !task.equals(modelTask)) {
            throw new LumenException("--task", "is " + task + " but " + model + " is a '" + modelTask + "' model");
        }
        bands.use(dir.info().channels());
        if (modelTask.equals("detect")) {
            DetectCli.val(dir, data, split, batch, conf, iou, agnostic, target);
            return Main.OK;
        }
        if (modelTask.equals(Segmenter.TASK)) {
            return segment(dir, target);
        }
        try (Classifier m = Classifier.load(dir)) {
            ImageFolder folder = ImageFolder.open(data, split);
            if (!folder.classes().equals(m.classNames())) {
                throw new LumenException(folder.folder(), "classes " + folder.classes() + " differ from the model's "
                        + m.classNames());
            }
            FolderImages images = FolderImages.load(folder, m.info().imgsz(), m.info().channels());
            Evaluation e = Evaluation.of(m, images, batch);
            ClassificationReport.write(target, e, images);
            System.out.printf(java.util.Locale.ROOT, "%s %s: accuracy %.4f, f1_macro %.4f, roc_auc_macro %.4f (%d images) -> %s%n",
                    model, split, e.metrics().accuracy(), e.metrics().f1Macro(), e.metrics().rocAucMacro(),
                    images.size(), target);
        }
        return Main.OK;
    }

    private int segment(ModelDir dir, Path target) throws IOException {
        try (Segmenter m = Segmenter.load(dir)) {
            MaskFolder folder = MaskFolder.open(data, split);
            if (!folder.classes().equals(m.info().classNames())) {
                throw new LumenException(folder.root().resolve(MaskFolder.CLASSES_JSON), "classes " + folder.classes()
                        + " differ from the model's " + m.info().classNames());
            }
            MaskImages images = MaskImages.load(folder, m.info().imgsz(), m.info().channels());
            SegmentationLoss loss = SegmentationLoss.parse(m.info().provenance().path("loss").asText("ce+dice"));
            SegmentationEvaluation e = SegmentationEvaluation.of(m, images, batch, loss);
            SegmentationReport.write(target, e, images, folder.classes(), m.info().channels());
            System.out.printf(java.util.Locale.ROOT, "%s %s: dice_mean %.4f, dice_foreground %.4f, iou_mean %.4f,"
                    + " pixel_accuracy %.4f, boundary_f1_mean %.4f (%d images) -> %s%n", model, split,
                    e.metrics().diceMean(), e.metrics().foregroundDice(), e.metrics().iouMean(),
                    e.metrics().pixelAccuracy(), e.metrics().boundaryF1Mean(), images.size(), target);
        }
        return Main.OK;
    }
}
