package org.lumen.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.lumen.core.LumenException;

/**
 * One split of a classification dataset in torchvision's ImageFolder layout, {@code root/<split>/<class>/*}.
 * Class names are the sub-folder names sorted by {@link String#compareTo} (as torchvision sorts them), the
 * label is the index in that order, and samples are sorted by path, so the same folder always gives the
 * same list. Image files are those ending in png, jpg, jpeg, tif, tiff, fits, fit or fts (any case);
 * other files and hidden entries are ignored.
 */
public final class ImageFolder {
    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "tif", "tiff", "fits", "fit", "fts");

    /** One image and its class index. */
    public record Sample(Path path, int label) {}

    private final Path folder;
    private final List<String> classes;
    private final List<Sample> samples;

    private ImageFolder(Path folder, List<String> classes, List<Sample> samples) {
        this.folder = folder;
        this.classes = List.copyOf(classes);
        this.samples = List.copyOf(samples);
    }

    /**
     * Scans {@code root/split}.
     *
     * @throws LumenException naming the folder when the split folder is missing, has no class folders, or a
     *                        class folder holds no images
     */
    public static ImageFolder open(Path root, String split) throws IOException {
        Path folder = root.resolve(split);
        if (!Files.isDirectory(folder)) {
            throw new LumenException(folder, "split folder '" + split + "' not found in " + root);
        }
        List<Path> classFolders = list(folder, Files::isDirectory);
        if (classFolders.isEmpty()) {
            throw new LumenException(folder, "no class folders: expected " + folder + "/<class>/<image>");
        }
        List<String> classes = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        for (Path classFolder : classFolders) {
            List<Path> images = list(classFolder, ImageFolder::isImageFile);
            if (images.isEmpty()) {
                throw new LumenException(classFolder, "class folder has no images (" + String.join(", ",
                        EXTENSIONS.stream().sorted().toList()) + ")");
            }
            for (Path image : images) {
                samples.add(new Sample(image, classes.size()));
            }
            classes.add(classFolder.getFileName().toString());
        }
        return new ImageFolder(folder, classes, samples);
    }

    /**
     * Opens several splits of one dataset and checks they name the same classes, so label k means the same
     * class in each.
     *
     * @throws LumenException naming the split whose classes differ from the first split's
     */
    public static List<ImageFolder> openSplits(Path root, String... splits) throws IOException {
        List<ImageFolder> folders = new ArrayList<>();
        for (String split : splits) {
            ImageFolder folder = open(root, split);
            if (!folders.isEmpty() && !folder.classes.equals(folders.get(0).classes)) {
                throw new LumenException(folder.folder, "classes " + folder.classes + " differ from "
                        + folders.get(0).classes + " in " + folders.get(0).folder);
            }
            folders.add(folder);
        }
        return folders;
    }

    /** Whether {@code file} is a regular, non-hidden file with an image extension. */
    public static boolean isImageFile(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return !name.startsWith(".") && dot > 0 && Files.isRegularFile(file)
                && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** The split folder ({@code root/split}). */
    public Path folder() {
        return folder;
    }

    /** Class names; label k is {@code classes().get(k)}. */
    public List<String> classes() {
        return classes;
    }

    /** All samples, class by class, each class's files in path order. */
    public List<Sample> samples() {
        return samples;
    }

    /**
     * SHA-256 (hex) over each sample's path relative to the split folder (with {@code /} separators) and its
     * bytes, in sample order: equal fingerprints mean the same files with the same content and labels. Each
     * path and content is preceded by its length, so no two different datasets hash the same bytes.
     */
    public String fingerprint() throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        byte[] buffer = new byte[1 << 16];
        for (Sample sample : samples) {
            byte[] name = folder.relativize(sample.path()).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8);
            sha.update(ByteBuffer.allocate(8).putLong(name.length).array());
            sha.update(name);
            sha.update(ByteBuffer.allocate(8).putLong(Files.size(sample.path())).array());
            try (InputStream in = Files.newInputStream(sample.path())) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static List<Path> list(Path folder, java.util.function.Predicate<Path> keep) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(p -> !p.getFileName().toString().startsWith(".")).filter(keep).sorted().toList();
        }
    }
}
