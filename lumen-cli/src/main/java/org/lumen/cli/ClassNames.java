package org.lumen.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lumen.core.LumenException;
import org.lumen.nn.model.ModelInfo;

/**
 * Class names for bare weights ({@code --arch --weights --classes}), which come without a model.json: the names a
 * {@code --names} file gives, else torchvision's names where the class count says which ones the weights were
 * trained on, else {@code class0 .. class<K-1>}.
 *
 * <ul>
 *   <li>a classifier with 1000 classes: ImageNet-1k's names, torchvision's {@code _IMAGENET_CATEGORIES} (the
 *       {@code meta["categories"]} of its {@code IMAGENET1K} weights), index for index;</li>
 *   <li>a Faster/Mask R-CNN with 90 classes (torchvision's {@code num_classes=91} less the background; Lumen's label
 *       {@code l} is torchvision's {@code l + 1}): COCO's names, torchvision's {@code _COCO_CATEGORIES} less its
 *       {@code __background__}, with its {@code N/A} entries for the ids COCO never used;</li>
 *   <li>a YOLO with 80 classes: the same COCO names without the {@code N/A} gaps, in the same order (the 80-class
 *       numbering YOLO's COCO weights use).</li>
 * </ul>
 * The lists are resources of this module ({@code names/coco91.txt}, {@code names/imagenet1000.txt}), written from
 * torchvision 0.14's lists.
 */
final class ClassNames {
    static final int IMAGENET_CLASSES = 1000;
    static final int RCNN_COCO_CLASSES = 90;
    static final int YOLO_COCO_CLASSES = 80;

    private ClassNames() {}

    /**
     * The names for {@code classes} classes of {@code arch}: those of {@code namesFile} when given (one name per
     * line, exactly {@code classes} of them, none empty; refused as {@code error: <file>: ...} otherwise), else
     * torchvision's as the class comment says, else anonymous ones.
     */
    static List<String> forWeights(String arch, int classes, boolean detector, Path namesFile) {
        if (namesFile != null) {
            return read(namesFile, classes);
        }
        String a = arch.toLowerCase(java.util.Locale.ROOT);
        if (!detector && classes == IMAGENET_CLASSES) {
            return imagenet();
        }
        if (detector && a.startsWith("yolo") && classes == YOLO_COCO_CLASSES) {
            return coco().stream().filter(n -> !n.equals("N/A")).toList();
        }
        if (detector && !a.startsWith("yolo") && classes == RCNN_COCO_CLASSES) {
            return coco();
        }
        return ModelInfo.anonymousClasses(classes);
    }

    /** torchvision's 1000 ImageNet class names. */
    static List<String> imagenet() {
        return resource("names/imagenet1000.txt");
    }

    /** torchvision's 91 COCO category names less {@code __background__}: 90, index {@code l} for its label l + 1. */
    static List<String> coco() {
        List<String> all = resource("names/coco91.txt");
        return all.subList(1, all.size());
    }

    /** One name per line; {@code expected} of them; a last line without a newline counts, a final empty one not. */
    static List<String> read(Path file, int expected) {
        if (!Files.isRegularFile(file)) {
            throw new LumenException(file, "no such file");
        }
        List<String> lines;
        try {
            lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (CharacterCodingException e) {
            throw new LumenException(file, "not UTF-8 text");
        } catch (IOException e) {
            throw new LumenException(file, "cannot read: " + e.getMessage());
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String n = lines.get(i).strip();
            if (n.isEmpty()) {
                throw new LumenException(file, "line " + (i + 1) + " is empty; give one class name per line");
            }
            names.add(n);
        }
        if (names.size() != expected) {
            throw new LumenException(file, names.size() + (names.size() == 1 ? " name" : " names")
                    + " for " + expected + " classes (--classes); give one class name per line");
        }
        return names;
    }

    private static List<String> resource(String name) {
        try (InputStream in = ClassNames.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
