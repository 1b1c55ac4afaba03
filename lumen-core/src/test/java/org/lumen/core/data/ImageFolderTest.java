package org.lumen.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.LumenException;

class ImageFolderTest {
    @TempDir
    Path root;

    private Path file(String relative, String content) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, content);
    }

    @Test
    void classesAndFilesAreSortedAndOnlyImagesCount() throws IOException {
        file("train/zebra/b.PNG", "1");
        file("train/zebra/a.jpeg", "2");
        file("train/Ant/x.fits", "3");
        file("train/Ant/notes.txt", "not an image");
        file("train/Ant/.hidden.png", "hidden");
        file("train/cat/y.TIF", "4");
        ImageFolder folder = ImageFolder.open(root, "train");
        assertEquals(List.of("Ant", "cat", "zebra"), folder.classes()); // code-point order, as Python's sorted()
        assertEquals(List.of(
                new ImageFolder.Sample(root.resolve("train/Ant/x.fits"), 0),
                new ImageFolder.Sample(root.resolve("train/cat/y.TIF"), 1),
                new ImageFolder.Sample(root.resolve("train/zebra/a.jpeg"), 2),
                new ImageFolder.Sample(root.resolve("train/zebra/b.PNG"), 2)), folder.samples());
    }

    @Test
    void faultsNameTheFolder() throws IOException {
        LumenException missing = assertThrows(LumenException.class, () -> ImageFolder.open(root, "val"));
        assertEquals(root.resolve("val").toString(), missing.source());

        Files.createDirectories(root.resolve("train"));
        file("train/readme.txt", "no class folders here");
        LumenException noClasses = assertThrows(LumenException.class, () -> ImageFolder.open(root, "train"));
        assertEquals(root.resolve("train").toString(), noClasses.source());

        file("train/cat/a.png", "1");
        Files.createDirectories(root.resolve("train/dog"));
        file("train/dog/a.txt", "not an image");
        LumenException empty = assertThrows(LumenException.class, () -> ImageFolder.open(root, "train"));
        assertEquals(root.resolve("train/dog").toString(), empty.source());
        assertTrue(empty.getMessage().contains("no images"), empty.getMessage());
    }

    @Test
    void splitsMustNameTheSameClasses() throws IOException {
        file("train/cat/a.png", "1");
        file("train/dog/a.png", "2");
        file("val/cat/a.png", "3");
        file("val/cow/a.png", "4");
        LumenException e = assertThrows(LumenException.class, () -> ImageFolder.openSplits(root, "train", "val"));
        assertEquals(root.resolve("val").toString(), e.source());
        assertTrue(e.getMessage().contains("[cat, cow]") && e.getMessage().contains("[cat, dog]"), e.getMessage());
    }

    @Test
    void fingerprintFollowsNamesAndContent() throws IOException {
        file("train/cat/a.png", "1");
        file("train/dog/b.png", "2");
        String first = ImageFolder.open(root, "train").fingerprint();
        assertEquals(64, first.length());
        assertEquals(first, ImageFolder.open(root, "train").fingerprint());
        file("train/dog/b.png", "3");
        String changedContent = ImageFolder.open(root, "train").fingerprint();
        assertNotEquals(first, changedContent);
        Files.move(root.resolve("train/dog/b.png"), root.resolve("train/dog/c.png"));
        assertNotEquals(changedContent, ImageFolder.open(root, "train").fingerprint());
    }
}
