package org.lumen.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.lumen.core.LumenException;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.detect.DetectionNets;
import org.lumen.nn.detect.Detector;
import org.lumen.nn.model.Model;
import org.lumen.nn.model.ModelDir;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.models.segmentation.Segmentations;
import org.lumen.nn.segment.Segmenter;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** How commands name a model: a model directory, or an architecture with bare weights and a class count. */
final class ModelOptions {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--imgsz", paramLabel = "S", description = "Input size (default: the model's; with --weights: 224 for classifiers and segmenters,"
            + " 640 for YOLO, 800 for Faster/Mask R-CNN; an R-CNN keeps each image's aspect: short side S, long side at"
            + " most S x 1333/800, as torchvision's min_size 800 and max_size 1333).")
    Integer imgsz;

    static final class Source {
        @Option(names = "--model", paramLabel = "M", description = "Model directory (model.json + weights.safetensors).")
        Path model;

        @ArgGroup(exclusive = false)
        Bare bare;
    }

    static final class Bare {
        @Option(names = "--arch", required = true, paramLabel = "A", description = "Architecture (torchvision name).")
        String arch;

        @Option(names = "--weights", required = true, paramLabel = "W", description = "safetensors weights with torchvision names.")
        Path weights;

        @Option(names = "--classes", required = true, paramLabel = "K", description = "Number of classes the weights have.")
        int classes;

        @Option(names = "--channels", defaultValue = "3", paramLabel = "C", description = "Input channels (default: ${DEFAULT-VALUE}).")
        int channels;

        @Option(names = "--names", paramLabel = "FILE", description = "Class names, one per line, K of them (default:"
                + " torchvision's ImageNet names for a classifier with --classes 1000, its COCO names for an R-CNN with"
                + " --classes 90 and a YOLO with --classes 80, else class0, class1, ...).")
        Path names;

        List<String> classNames(boolean detector) {
            return ClassNames.forWeights(arch, classes, detector, names);
        }
    }

    /** The model directory {@code --model} names, its model.json read once (at {@code --imgsz} when given). */
    private ModelDir dir;

    /** The opened {@code --model} directory, at {@code --imgsz} when given; null for bare weights. */
    ModelDir dir() {
        if (source.model == null) {
            return null;
        }
        if (dir == null) {
            ModelDir d = ModelDir.open(source.model);
            dir = imgsz == null ? d : d.withImgsz(checkSize(imgsz));
        }
        return dir;
    }

    /** The task of the model named: its model.json's, or what {@code --arch} is ({@code detect}, ...). */
    String task() {
        if (source.model != null) {
            return dir().task();
        }
        String arch = source.bare.arch;
        return DetectionNets.exists(arch) ? Detector.TASK
                : Segmentations.isSegmentation(arch) ? Segmenter.TASK : Classifier.TASK;
    }

    /** The channels the model takes: its model.json's, or {@code --channels}. */
    int channels() {
        return source.model != null ? dir().info().channels() : source.bare.channels;
    }

    /** Whether the model named is a detector (its model.json says so, or --arch names a detector). */
    boolean isDetector() {
        return task().equals(Detector.TASK);
    }

    /**
     * The model the options name, whatever its task, loaded once; the caller closes it. Bare weights become a
     * model of the task their {@code --arch} belongs to.
     */
    Model open() {
        if (source.model != null) {
            return Model.load(dir());
        }
        return switch (task()) {
            case Detector.TASK -> openDetector();
            case Segmenter.TASK -> openSegmenter();
            default -> openClassifier();
        };
    }

    /** Loads a detector; the caller closes it. */
    Detector openDetector() {
        if (source.model != null) {
            return Detector.load(dir());
        }
        Bare b = source.bare;
        return DetectCli.fromWeights(b.arch, weightsFile(), b.classNames(true), checkSize(imgsz == null
                ? DetectionNets.defaultImgsz(b.arch) : imgsz));
    }

    /** Loads a classifier (a model.json of another task is refused, naming it); the caller closes it. */
    Classifier openClassifier() {
        if (source.model != null) {
            return Classifier.load(dir());
        }
        return Classifier.fromWeights(bareInfo(Classifier.TASK), weightsFile());
    }

    /** The segmentation model the options name, or null when they name another task; the caller closes it. */
    Segmenter openSegmenter() {
        if (!task().equals(Segmenter.TASK)) {
            return null;
        }
        if (source.model != null) {
            return Segmenter.load(dir());
        }
        return Segmenter.fromWeights(bareInfo(Segmenter.TASK), weightsFile());
    }

    /** A classifier's or segmenter's model.json for bare weights: 224 px unless --imgsz, default normalisation. */
    private ModelInfo bareInfo(String task) {
        Bare b = source.bare;
        float[][] norm = ModelInfo.defaultNormalisation(b.channels);
        return new ModelInfo(task, b.arch, b.classNames(false), checkSize(imgsz == null ? 224 : imgsz), b.channels,
                norm[0], norm[1], null);
    }

    /** {@code --weights}, which must be a file. */
    private Path weightsFile() {
        Path w = source.bare.weights;
        if (!Files.isRegularFile(w)) {
            throw new LumenException(w, "no such file");
        }
        return w;
    }

    /** The one range of {@code --imgsz} every command accepts (training detectors asks for a multiple of 32 in it). */
    static final int MIN_IMGSZ = ModelInfo.MIN_IMGSZ;
    static final int MAX_IMGSZ = ModelInfo.MAX_IMGSZ;

    /** {@code s} if it lies in {@code [MIN_IMGSZ, MAX_IMGSZ]} ({@link ModelInfo#checkImgsz}, the one rule). */
    static int checkSize(int s) {
        return ModelInfo.checkImgsz(s);
    }
}
