package org.lumen.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.lumen.core.LumenException;
import org.lumen.nn.classify.Classifier;
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

    /** Whether the model named is a detector (its model.json says so, or --arch names a detector). */
    boolean isDetector() {
        if (source.model != null) {
            return org.lumen.nn.detect.Detector.info(source.model).task().equals("detect");
        }
        return org.lumen.nn.detect.DetectionNets.exists(source.bare.arch);
    }

    /** Loads a detector; the caller closes it. */
    org.lumen.nn.detect.Detector openDetector() {
        if (source.model != null) {
            org.lumen.nn.detect.Detector d = org.lumen.nn.detect.Detector.load(source.model);
            if (imgsz == null || imgsz == d.info().imgsz()) {
                return d;
            }
            ModelInfo i = d.info();
            d.close();
            return org.lumen.nn.detect.Detector.fromWeights(new ModelInfo(i.task(), i.arch(), i.classNames(),
                    checkSize(imgsz), i.channels(), i.mean(), i.std(), i.provenance()),
                    source.model.resolve(org.lumen.nn.detect.Detector.WEIGHTS));
        }
        Bare b = source.bare;
        if (!Files.isRegularFile(b.weights)) {
            throw new LumenException(b.weights, "no such file");
        }
        return DetectCli.fromWeights(b.arch, b.weights, b.classNames(true), checkSize(imgsz == null
                ? org.lumen.nn.detect.DetectionNets.defaultImgsz(b.arch) : imgsz));
    }

    /** Loads the model; the caller closes it. */
    Classifier open() {
        if (source.model != null) {
            Classifier c = Classifier.load(source.model);
            if (imgsz == null || imgsz == c.info().imgsz()) {
                return c;
            }
            ModelInfo i = c.info();
            ModelInfo resized = new ModelInfo(i.task(), i.arch(), i.classNames(), checkSize(imgsz), i.channels(), i.mean(),
                    i.std(), i.provenance());
            c.close();
            return Classifier.fromWeights(resized, source.model.resolve(Classifier.WEIGHTS));
        }
        Bare b = source.bare;
        if (!Files.isRegularFile(b.weights)) {
            throw new LumenException(b.weights, "no such file");
        }
        float[][] norm = ModelInfo.defaultNormalisation(b.channels);
        ModelInfo info = new ModelInfo("classify", b.arch, b.classNames(false),
                checkSize(imgsz == null ? 224 : imgsz), b.channels, norm[0], norm[1], null);
        return Classifier.fromWeights(info, b.weights);
    }

    /** The segmentation model the options name, or null when they name a classifier; the caller closes it. */
    Segmenter openSegmenter() {
        if (source.model != null) {
            if (!Segmenter.task(source.model).equals(Segmenter.TASK)) {
                return null;
            }
            Segmenter s = Segmenter.load(source.model);
            if (imgsz == null || imgsz == s.info().imgsz()) {
                return s;
            }
            ModelInfo i = s.info();
            ModelInfo resized = new ModelInfo(i.task(), i.arch(), i.classNames(), checkSize(imgsz), i.channels(), i.mean(),
                    i.std(), i.provenance());
            s.close();
            return Segmenter.fromWeights(resized, source.model.resolve(Classifier.WEIGHTS));
        }
        Bare b = source.bare;
        if (!Segmentations.isSegmentation(b.arch)) {
            return null;
        }
        if (!Files.isRegularFile(b.weights)) {
            throw new LumenException(b.weights, "no such file");
        }
        float[][] norm = ModelInfo.defaultNormalisation(b.channels);
        ModelInfo info = new ModelInfo(Segmenter.TASK, b.arch, b.classNames(false),
                checkSize(imgsz == null ? 224 : imgsz), b.channels, norm[0], norm[1], null);
        return Segmenter.fromWeights(info, b.weights);
    }

    /** The one range of {@code --imgsz} every command accepts (training detectors asks for a multiple of 32 in it). */
    static final int MIN_IMGSZ = 16;
    static final int MAX_IMGSZ = 4096;

    /** {@code s} if it lies in {@code [MIN_IMGSZ, MAX_IMGSZ]}; refused as {@code error: --imgsz: ...} otherwise. */
    static int checkSize(int s) {
        if (s < MIN_IMGSZ || s > MAX_IMGSZ) {
            throw new LumenException("--imgsz", "must be between " + MIN_IMGSZ + " and " + MAX_IMGSZ + ", got " + s);
        }
        return s;
    }
}
