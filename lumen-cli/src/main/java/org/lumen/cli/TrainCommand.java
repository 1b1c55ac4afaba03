package org.lumen.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.lumen.core.LumenException;
import org.lumen.core.data.ImageFolder;
import org.lumen.core.data.MaskFolder;
import org.lumen.nn.classify.ClassifierTraining;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.models.backbone.Backbones;
import org.lumen.nn.models.segmentation.Segmentations;
import org.lumen.nn.segment.SegmentationTraining;
import org.lumen.nn.robust.AdversarialTraining;
import org.lumen.nn.train.Augment;
import org.lumen.nn.train.Provenance;
import org.lumen.nn.train.SegmentationLoss;
import org.lumen.nn.train.TrainConfig;
import org.lumen.nn.train.TrainDefaults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lumen train}: training of a classifier (ImageFolder), a detector (COCO or YOLO) or a semantic-segmentation model (mask folders). */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a classifier, a detector or a segmentation model. For --task classify, --data is an ImageFolder root with train/ and val/ "
            + "(one sub-folder per class). Writes RUN/best and RUN/last (model directories), RUN/results.csv "
            + "(one row per epoch) and training-curve plots. With --folds K, trains K models by stratified "
            + "k-fold cross-validation over train+val and writes RUN/folds.json with mean and sd.",
            "For --task segment, --data is a mask dataset: classes.json, images/{train,val}/ and masks/{train,val}/ "
            + "(one-channel PNG per image, same stem, pixel = class index; `lumen synth galaxies` writes one in "
            + "DIR/segment), --arch is unet, unet-w<W>-d<D> or unet-<backbone> (e.g. unet-resnet18; --weights then "
            + "loads a classifier's weights into the encoder), --loss picks the loss, and --monitor defaults to dice_mean."},
        footer = {"", "Examples:",
            "  lumen train --task classify --data survey/classify --arch resnet18 --epochs 5 --imgsz 64 --out runs/clumps",
            "  lumen train --task classify --data cxr --arch densenet121 --weights densenet121.safetensors \\",
            "      --channels 1 --freeze 2 --class-weights balanced --epochs 20 --out runs/tb",
            "  lumen train --task classify --data cxr --arch resnet18 --folds 5 --out runs/tb-cv",
            "  lumen train ... --out runs/tb --resume      (continue runs/tb/last with the same options)",
            "  lumen train --task detect --data survey/detect --arch yolov8n --imgsz 128 --epochs 30 --out runs/det",
            "  lumen train --task detect --data survey/segment --arch yolov8n-seg --imgsz 128 --epochs 30 --out runs/yseg",
            "  lumen train --task segment --data survey/segment --arch unet-w16-d4 --imgsz 64 --epochs 15 --out runs/seg",
            "  lumen train --task segment --data cxr-lungs --arch unet-resnet18 --weights resnet18.safetensors \\",
            "      --channels 1 --loss ce+dice --out runs/lungs",
            "",
            "For --task detect, --data is a data.yaml (YOLO labels), a folder holding one, or a folder with",
            "annotations/instances_{train,val}.json and images/{train,val}/ (COCO); --monitor defaults to map50",
            "(also map50_95, completeness, purity, f1). A model that segments (yolov8n-seg, yolov8s-seg, ...) trains",
            "on each object's mask: --data is then an instance dataset (COCO with polygon or RLE segmentations,",
            "YOLO segmentation labels with a data.yaml, or a class-mask folder; `lumen synth galaxies` writes one in",
            "DIR/segment), boxes are the masks' bounding boxes, augmentations move the masks with the images, and",
            "validation adds mask_map50 and mask_map50_95."})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--task", defaultValue = "classify", description = "classify, detect or segment (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--data", required = true, paramLabel = "D", description = "Dataset root.")
    Path data;

    @Option(names = "--arch", required = true, paramLabel = "A", description = "Architecture. For classify (torchvision's names), then detect (YOLOv8, torchvision's R-CNNs): ${COMPLETION-CANDIDATES}. For segment: unet, unet-w<W>-d<D>, unet-<a classify architecture>.",
            completionCandidates = ArchNames.class)
    String arch;

    @Option(names = "--weights", paramLabel = "W.safetensors", description = "Pretrained weights (torchvision names); the head is replaced, the stem adapted.")
    Path weights;

    @Option(names = "--epochs", defaultValue = "10", paramLabel = "E", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--imgsz", defaultValue = "224", paramLabel = "S", description = "Input size in pixels (default: ${DEFAULT-VALUE}).")
    int imgsz;

    @Option(names = "--batch", defaultValue = "16", paramLabel = "B", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--channels", defaultValue = "3", paramLabel = "C", description = "Input channels: 3 (RGB), 1 (X-ray, one FITS band) or more (default: ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--freeze", defaultValue = "0", paramLabel = "N", description = "Freeze the first N stages (stem first) (default: ${DEFAULT-VALUE}).")
    int freeze;

    @Option(names = "--folds", defaultValue = "0", paramLabel = "K", description = "k-fold cross-validation with K folds (0: off; default: ${DEFAULT-VALUE}).")
    int folds;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--optimizer", defaultValue = "adamw", description = "adamw or sgd (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate (default per model family: 0.002 for"
            + " YOLO, yolov8*, as the demo; 0.0001 for Faster/Mask R-CNN, fasterrcnn_* and maskrcnn_*; 0.001 for"
            + " classifiers and segmentation models).")
    Double lr;

    @Option(names = "--weight-decay", paramLabel = "WD", description = "Weight decay (default per model family: 0.0005"
            + " for YOLO, as the demo and Ultralytics; 0.05 for the others).")
    Double weightDecay;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--schedule", defaultValue = "cosine", description = "cosine, step or constant (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--warmup", defaultValue = "1", description = "Linear warm-up epochs (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--augment", defaultValue = "science", description = "science (flips, 90-degree rotations, shifts, brightness/contrast, noise) or none (default: ${DEFAULT-VALUE}).")
    String augment;

    @Option(names = "--class-weights", defaultValue = "none", description = "none or balanced (for imbalanced classes) (default: ${DEFAULT-VALUE}).")
    String classWeights;

    @Option(names = "--label-smoothing", defaultValue = "0", description = "Label smoothing (default: ${DEFAULT-VALUE}).")
    double labelSmoothing;

    @Option(names = "--monitor", description = "Validation metric that picks best/ and drives early stopping: accuracy, f1_macro, roc_auc_macro, loss, ... (default: accuracy; for segment dice_mean, or dice_foreground, iou_mean, boundary_f1_mean, pixel_accuracy, loss).")
    String monitor;

    @Option(names = "--loss", description = "Segmentation loss: ce, dice, focal or a sum such as ce+dice (default: ce+dice; --task segment only).")
    String loss;

    @Option(names = "--patience", defaultValue = "0", description = "Stop after this many epochs without improvement (0: never; default: ${DEFAULT-VALUE}).")
    int patience;

    @Mixin
    BandsOption bands;

    @Option(names = "--adversarial", paramLabel = "ATTACK", description = "Classification: adversarial training"
            + " (Madry et al.): every batch replaced by its attack against the network being trained, fgsm, pgd or"
            + " pgd-l2 (as lumen attack computes them).")
    String adversarial;

    @Option(names = "--eps", paramLabel = "E", description = "--adversarial: the attack's eps in [0, 1] pixel units,"
            + " a number or a fraction such as 4/255 (default: 8/255; pgd-l2: 1.0).")
    String eps;

    @Option(names = "--alpha", paramLabel = "A", description = "--adversarial: the PGD step (default: 2/255; pgd-l2: 0.2).")
    String alpha;

    @Option(names = "--steps", paramLabel = "N", description = "--adversarial: PGD steps (default: 7).")
    Integer steps;

    /** PGD steps of adversarial training when {@code --steps} is not given (Madry et al.'s CIFAR setting). */
    static final int ADVERSARIAL_STEPS = 7;

    @Option(names = "--fix", description = "Detection: clip boxes that stick out of their image and drop empty ones (each change reported) instead of refusing the file.")
    boolean fix;

    @Option(names = "--resume", description = "Continue RUN/last (same options required).")
    boolean resume;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "Run folder (new or empty, unless --resume).")
    Path out;

    @Option(names = "--threads", paramLabel = "N", description = "libtorch's intra-op threads, as torch.set_num_threads (default: libtorch's, the number of physical cores).")
    Integer threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (threads != null) {
            Flags.between("--threads", threads, 1, org.lumen.nn.train.NativeThreads.MAX);
            org.lumen.nn.train.NativeThreads.set(threads);
        }
        Interrupt interrupt = new Interrupt(out, folds > 0, spec.commandLine().getParseResult().originalArgs());
        try {
            return train();
        } catch (org.lumen.nn.train.TrainingStop.Stopped e) {
            return Interrupt.EXIT; // the shutdown hook tells the user how to resume
        } finally {
            interrupt.close();
        }
    }

    private int train() throws IOException {
        bands.use(task.equals("detect") ? 3 : channels);
        if (task.equals("detect")) {
            return trainDetector();
        }
        if (!task.equals("classify") && !task.equals("segment")) {
            throw new LumenException("--task", "must be classify, detect or segment, got '" + task + "'");
        }
        boolean segment = task.equals("segment");
        if (segment) {
            Segmentations.check(arch); // checks --arch before any data is read
            if (channels < 1) {
                throw new LumenException("--channels", "needs at least 1 channel, got " + channels);
            }
            if (folds != 0) {
                throw new LumenException("--folds", "k-fold cross-validation is for --task classify only");
            }
        } else {
            if (loss != null) {
                throw new LumenException("--loss", "is for --task segment; classification trains with cross-entropy");
            }
            Backbones.create(arch, 2, channels); // checks --arch and --channels before any data is read
        }
        ModelOptions.checkSize(imgsz);
        if (folds == 1 || folds < 0 || folds > 50) {
            throw new LumenException("--folds", "must be 0 (off) or between 2 and 50, got " + folds);
        }
        if (weights != null && !Files.isRegularFile(weights)) {
            throw new LumenException(weights, "no such file");
        }
        Augment aug = switch (augment) {
            case "science" -> Augment.SCIENCE;
            case "none" -> Augment.NONE;
            default -> throw new LumenException("--augment", "must be science or none, got '" + augment + "'");
        };
        String watched = monitor != null ? monitor : segment ? SegmentationTraining.DEFAULT_MONITOR : "accuracy";
        TrainDefaults.Optimiser o = optimiser();
        TrainConfig config = configured(o).freeze(freeze).augment(aug).classWeights(classWeights)
                .labelSmoothing(labelSmoothing).monitor(watched).build();
        if (segment) {
            if (labelSmoothing != 0) {
                throw new LumenException("--label-smoothing", "is for --task classify");
            }
            adversarialOnlyForClassify();
            SegmentationLoss lossFn = SegmentationLoss.parse(loss == null ? "ce+dice" : loss);
            checkRunFolder();
            MaskFolder train = MaskFolder.open(data, "train");
            MaskFolder val = MaskFolder.open(data, "val");
            ObjectNode prov = provenance(config);
            prov.put("loss", lossFn.spec());
            new SegmentationTraining(arch, imgsz, channels, weights, config, lossFn, prov).run(train, val, out, resume);
            return Main.OK;
        }
        AdversarialTraining adv = adversarial(config);
        checkRunFolder();
        List<ImageFolder> splits = ImageFolder.openSplits(data, "train", "val");
        ObjectNode prov = provenance(config);
        ClassifierTraining training = new ClassifierTraining(arch, imgsz, channels, weights, config, prov);
        if (adv != null) {
            ObjectNode a = prov.putObject("adversarial");
            a.put("method", adversarial);
            a.put("eps", eps);
            a.put("alpha", alpha);
            a.put("steps", steps == null ? ADVERSARIAL_STEPS : steps);
            training.withHook(adv).withMetric("robust_accuracy", (m, val) -> adv.robustAccuracy(m, val,
                    config.batch()));
        }
        if (folds > 0) {
            training.crossValidate(splits.get(0), splits.get(1), folds, out);
        } else {
            training.run(splits.get(0), splits.get(1), out, resume);
        }
        return Main.OK;
    }

    private int trainDetector() throws IOException {
        DetectCli.checkArch(arch);
        ModelOptions.checkSize(imgsz);
        if (imgsz % 32 != 0) {
            throw new LumenException("--imgsz", "must be a multiple of 32 for detectors, got " + imgsz);
        }
        if (channels != 3) {
            throw new LumenException("--channels", "detectors take 3 channels, got " + channels);
        }
        if (folds != 0) {
            throw new LumenException("--folds", "k-fold cross-validation is for classification only");
        }
        if (freeze != 0) {
            throw new LumenException("--freeze", "not available for detectors yet");
        }
        if (loss != null) {
            throw new LumenException("--loss", "is for --task segment; a detector trains with its own losses");
        }
        if (weights != null && !Files.isRegularFile(weights)) {
            throw new LumenException(weights, "no such file");
        }
        adversarialOnlyForClassify();
        String metric = monitor == null ? "map50" : monitor;
        TrainDefaults.Optimiser o = optimiser();
        TrainConfig config = configured(o).augment(Augment.NONE).monitor(metric).build();
        DetectCli.augment(augment);
        checkRunFolder();
        ObjectNode prov = provenance(config);
        prov.put("task", "detect");
        prov.put("augment", augment);
        DetectCli.train(data, arch, weights, imgsz, config, augment, fix, prov, out, resume);
        return Main.OK;
    }

    /** The settings every task shares, from the command line: epochs, batch, optimiser, schedule, patience, seed. */
    private TrainConfig.Builder configured(TrainDefaults.Optimiser o) {
        return TrainConfig.builder().epochs(epochs).batch(batch).optimizer(optimizer).lr(o.lr())
                .weightDecay(o.weightDecay()).momentum(momentum).schedule(schedule).warmup(Math.min(warmup, epochs - 1))
                .patience(patience).seed(seed);
    }

    /** The learning rate and weight decay of this run: those given, else the task's and arch family's defaults. */
    TrainDefaults.Optimiser optimiser() {
        TrainDefaults.Optimiser d = TrainDefaults.of(task, arch);
        return new TrainDefaults.Optimiser(lr != null ? lr : d.lr(), weightDecay != null ? weightDecay : d.weightDecay());
    }

    private void checkRunFolder() throws IOException {
        if (resume) {
            if (!Files.isDirectory(out.resolve("last"))) {
                throw new LumenException(out, "cannot resume: no last/ checkpoint in this run folder");
            }
            return;
        }
        if (Files.isDirectory(out)) {
            try (var entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new LumenException(out, "run folder exists and is not empty; use --resume to continue it or choose a new --out");
                }
            }
        } else if (Files.exists(out)) {
            throw new LumenException(out, "exists and is not a folder");
        }
    }

    /** The adversarial-training hook {@code --adversarial} asks for (null: plain training), its settings checked. */
    private AdversarialTraining adversarial(TrainConfig config) {
        if (adversarial == null) {
            if (eps != null || alpha != null || steps != null) {
                throw new LumenException(eps != null ? "--eps" : alpha != null ? "--alpha" : "--steps", "sets the"
                        + " attack of --adversarial; give --adversarial too");
            }
            return null;
        }
        float[][] norm = ModelInfo.defaultNormalisation(channels);
        return new AdversarialTraining(adversarial, eps == null ? null : AttackCommand.number("--eps", eps),
                alpha == null ? null : AttackCommand.number("--alpha", alpha), steps == null ? ADVERSARIAL_STEPS : steps,
                norm[0], norm[1], config.seed());
    }

    private void adversarialOnlyForClassify() {
        if (adversarial != null) {
            throw new LumenException("--adversarial", "is for --task classify");
        }
    }

    private ObjectNode provenance(TrainConfig config) {
        ObjectNode p = Provenance.of("lumen train", data, seed, config);
        p.put("weights", weights == null ? null : weights.toAbsolutePath().normalize().toString());
        p.put("arch", arch);
        p.put("imgsz", imgsz);
        p.put("channels", channels);
        return p;
    }

    /** Every architecture train builds, from the registries: classification backbones, then detectors. */
    static final class ArchNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            List<String> all = new java.util.ArrayList<>(Backbones.names());
            all.addAll(org.lumen.nn.detect.DetectionNets.names());
            return all.iterator();
        }
    }
}
