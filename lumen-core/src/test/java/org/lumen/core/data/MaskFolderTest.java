package org.lumen.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.LumenException;

class MaskFolderTest {
    @TempDir
    Path root;

    static void grey(Path file, int w, int h, int value) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, x < w / 2 ? 0 : value);
            }
        }
        ImageIO.write(img, "png", file.toFile());
    }

    private void dataset(int maskW, int value) throws IOException {
        Files.writeString(root.resolve("classes.json"), "{\"classes\": [\"background\", \"cell\"]}");
        grey(root.resolve("images/train/a.png"), 8, 6, 200);
        grey(root.resolve("masks/train/a.png"), maskW, 6, value);
    }

    @Test
    void pairsByStemAndReadsClassIndices() throws IOException {
        dataset(8, 1);
        MaskFolder f = MaskFolder.open(root, "train");
        assertEquals(1, f.samples().size());
        byte[] m = MaskFolder.readMask(f.samples().get(0).mask(), 8, 6, 2);
        assertEquals(0, m[0]);
        assertEquals(1, m[5 * 8 + 7]);
        assertEquals(24, count(m));
    }

    @Test
    void maskOfAnotherSizeIsRefusedNamingTheFile() throws IOException {
        dataset(7, 1);
        Path mask = root.resolve("masks/train/a.png");
        LumenException e = assertThrows(LumenException.class, () -> MaskFolder.readMask(mask, 8, 6, 2));
        assertEquals(mask.toString(), e.source());
        assertTrue(e.getMessage().contains("7x6") && e.getMessage().contains("8x6"), e.getMessage());
    }

    @Test
    void classValueOutsideTheDeclaredRangeNamesThePixel() throws IOException {
        dataset(8, 5);
        Path mask = root.resolve("masks/train/a.png");
        LumenException e = assertThrows(LumenException.class, () -> MaskFolder.readMask(mask, 8, 6, 2));
        assertEquals(mask.toString(), e.source());
        assertTrue(e.getMessage().contains("(x=4, y=0) has class 5"), e.getMessage());
    }

    @Test
    void unpairedFilesAreAllListed() throws IOException {
        dataset(8, 1);
        grey(root.resolve("images/train/b.png"), 8, 6, 1);
        grey(root.resolve("masks/train/c.png"), 8, 6, 1);
        LumenException e = assertThrows(LumenException.class, () -> MaskFolder.open(root, "train"));
        assertTrue(e.getMessage().startsWith("2 faults"), e.getMessage());
        assertTrue(e.getMessage().contains("b.png: no mask") && e.getMessage().contains("c.png: mask without an image"),
                e.getMessage());
    }

    @Test
    void classesJsonIsChecked() throws IOException {
        Files.writeString(root.resolve("classes.json"), "{\"classes\": [\"only\"]}");
        LumenException e = assertThrows(LumenException.class, () -> MaskFolder.readClasses(root));
        assertEquals(root.resolve("classes.json").toString(), e.source());
        assertArrayEquals(new byte[0], new byte[0]);
    }

    private static int count(byte[] m) {
        int n = 0;
        for (byte b : m) {
            n += b;
        }
        return n;
    }
}
