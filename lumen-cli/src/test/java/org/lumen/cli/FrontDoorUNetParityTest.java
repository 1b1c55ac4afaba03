package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.nio.file.Paths;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lumen.core.io.Npy;

/**
 * The front door for semantic segmentation: {@code lumen predict --arch unet|unet-resnet18 --weights W --classes 3
 * --imgsz 256 --out DIR} on astronaut (512 x 512) and chelsea (300 x 451), against the same U-Nets in plain torch
 * with calibrated batch norms ({@code frontdoor/unet_reference.py}): the same resize, normalisation, logits resized
 * back to the photograph and arg-max. The class PNGs equal the reference's except where the reference's two best
 * logits are within 1e-3 of each other (float rounding may decide those), and such pixels are at most 0.1%.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrontDoorUNetParityTest {
    private static final Path DIR = Paths.get("target", "frontdoor", "unet").toAbsolutePath();

    @BeforeAll
    void reference() {
        FrontDoor.reference(DIR, "unet_reference.py", DIR.toString(), "unet", "unet-resnet18");
    }

    @ParameterizedTest
    @ValueSource(strings = {"unet", "unet-resnet18"})
    void predictEqualsReferenceAt256(String arch) throws Exception {
        Path out = DIR.resolve("masks-" + arch);
        org.lumen.core.io.AtomicFiles.deleteTree(out);
        Cli.Result r = Cli.run("predict", "--arch", arch, "--weights", DIR.resolve(arch + ".safetensors"),
                "--classes", 3, "--imgsz", 256, "--out", out, DIR.resolve("images"));
        assertEquals(0, r.exit(), r::toString);
        for (String stem : new String[] {"astronaut", "chelsea"}) {
            BufferedImage png = ImageIO.read(out.resolve(stem + ".png").toFile());
            Npy.Array want = Npy.read(DIR.resolve(arch + "." + stem + ".classes.npy"));
            float[] margin = Npy.read(DIR.resolve(arch + "." + stem + ".margin.npy")).floats();
            long[] classes = want.longs();
            int h = want.shape()[0];
            int w = want.shape()[1];
            assertEquals(h, png.getHeight(), stem);
            assertEquals(w, png.getWidth(), stem);
            int differ = 0;
            int decided = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int got = png.getRaster().getSample(x, y, 0);
                    if (got != classes[y * w + x]) {
                        differ++;
                        decided += margin[y * w + x] >= 1e-3 ? 1 : 0;
                    }
                }
            }
            System.out.printf("front door %s %s: %d of %d pixels differ from the reference, %d of them with a margin "
                    + ">= 1e-3%n", arch, stem, differ, h * w, decided);
            assertEquals(0, decided, arch + " " + stem + ": pixels whose class the reference decided clearly differ");
            assertTrue(differ <= 0.001 * h * w, arch + " " + stem + ": " + differ + " pixels differ");
        }
    }
}
