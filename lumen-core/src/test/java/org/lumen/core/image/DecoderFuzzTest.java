package org.lumen.core.image;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import javax.imageio.ImageIO;
import nom.tam.fits.Fits;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lumen.core.LumenException;

/**
 * Seeded mutations of small valid files (bytes overwritten, the file cut short): each must decode or be
 * refused with a {@link LumenException}; no other exception may escape and nothing may hang. A failure
 * prints the seed; save that file into {@code corpus/bad/} to keep it as a regression case.
 */
class DecoderFuzzTest {
    private static final int MUTANTS = 150;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpeg", "tiff", "fits"})
    void mutatedFilesDecodeOrFailWithLumenException(String format) throws Exception {
        byte[] valid = validFile(format);
        Path file = dir.resolve("mutant");
        for (int seed = 0; seed < MUTANTS; seed++) {
            Files.write(file, mutate(valid, new Random(seed)));
            int mutant = seed;
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                try {
                    ImageDecoder.read(file);
                } catch (LumenException expected) {
                    // the contract: a bad file is the user's fault, reported as such
                } catch (RuntimeException e) {
                    throw new AssertionError(format + " mutant with seed " + mutant + " escaped with " + e, e);
                }
            }, () -> format + " mutant with seed " + mutant + " took too long");
        }
    }

    /** Overwrites 1 to 8 random bytes after the signature, and cuts the file short one time in four. */
    private static byte[] mutate(byte[] valid, Random random) {
        byte[] bytes = valid.clone();
        for (int i = 1 + random.nextInt(8); i > 0; i--) {
            bytes[8 + random.nextInt(bytes.length - 8)] = (byte) random.nextInt(256);
        }
        if (random.nextInt(4) == 0) {
            return java.util.Arrays.copyOf(bytes, 8 + random.nextInt(bytes.length - 8));
        }
        return bytes;
    }

    private byte[] validFile(String format) throws Exception {
        Path file = dir.resolve("valid." + format);
        if (format.equals("fits")) {
            try (Fits fits = new Fits()) {
                fits.addHDU(Fits.makeHDU(new short[3][12][10]));
                fits.write(file.toFile());
            }
        } else {
            int[] samples = new int[3 * 12 * 10];
            BufferedImage image = TestImages.randomImage(3, 8, 12, 10, 11, samples);
            if (!ImageIO.write(image, format, file.toFile())) {
                throw new IOException("no writer for " + format);
            }
        }
        return Files.readAllBytes(file);
    }
}
