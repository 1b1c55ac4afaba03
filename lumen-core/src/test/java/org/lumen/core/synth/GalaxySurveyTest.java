package org.lumen.core.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.LumenException;

/** The survey as a generator: reproducibility, the truth it reports, whole images. Files: {@link SurveyLayoutTest}. */
class GalaxySurveyTest {
    @TempDir
    Path tmp;

    private static GalaxySurvey survey(long seed, int count) {
        return GalaxySurvey.builder().optSeed(seed).optCount(count).build();
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() throws IOException {
        survey(7, 40).write(tmp.resolve("a"));
        survey(7, 40).write(tmp.resolve("b"));
        survey(8, 40).write(tmp.resolve("c"));
        Map<String, byte[]> a = contents(tmp.resolve("a")), b = contents(tmp.resolve("b")), c = contents(tmp.resolve("c"));
        assertEquals(a.keySet(), b.keySet());
        for (String file : a.keySet()) {
            if (!file.equals("detect/data.yaml")) { // it names its own absolute folder, as Ultralytics needs
                assertArrayEquals(a.get(file), b.get(file), file);
            }
        }
        assertFalse(java.util.Arrays.equals(a.get("survey.json"), c.get("survey.json")));
        assertNotEquals(pngs(a), pngs(c));
    }

    @Test
    void galaxyDependsOnlyOnItsIndexNotOnTheCount() {
        GalaxySurvey small = GalaxySurvey.builder().optCount(10).optClumpyShare(1).build();
        GalaxySurvey large = GalaxySurvey.builder().optCount(30).optClumpyShare(1).build();
        assertEquals(small.galaxy(3), large.galaxy(3));
    }

    @Test
    void clumpyShareIsExactAndSmoothGalaxiesHaveNoClumps() {
        GalaxySurvey s = GalaxySurvey.builder().optCount(101).optClumpyShare(0.3).build();
        int clumpy = 0;
        for (int k = 0; k < 101; k++) {
            Galaxy g = s.galaxy(k);
            clumpy += g.clumpy() ? 1 : 0;
            assertEquals(g.clumpy(), !g.clumps().isEmpty());
            assertTrue(g.clumps().size() <= 4);
        }
        assertEquals(30, clumpy);
    }

    /** On the noiseless render, clump light / smooth light in r equals the sum of the set fractions. */
    @Test
    void clumpFluxFractionsAreWhatTheTruthSays() {
        GalaxySurvey s = GalaxySurvey.builder().optCount(20).optClumpyShare(1).optClumpFluxFraction(0.02, 0.2).build();
        for (int k = 0; k < 20; k++) {
            Galaxy g = s.galaxy(k);
            double[] full = s.noiseless(g)[GalaxyRenderer.R], smooth = s.noiseless(g.smoothPart())[GalaxyRenderer.R];
            double clumpLight = 0, smoothLight = 0, expected = 0;
            for (int p = 0; p < full.length; p++) {
                clumpLight += full[p] - smooth[p];
                smoothLight += smooth[p];
            }
            for (Galaxy.Clump c : g.clumps()) {
                assertTrue(c.fluxFraction() >= 0.02 && c.fluxFraction() <= 0.2, g.name() + " " + c);
                expected += c.fluxFraction();
            }
            assertEquals(expected, clumpLight / smoothLight, 0.01 * expected, g.name());
        }
    }

    /** Each clump's brightest excess pixel is in its box, and the box holds ~91% of its light (+-2 sigma). */
    @Test
    void clumpsLieInsideTheirBoxes() {
        GalaxySurvey s = GalaxySurvey.builder().optCount(30).optClumpyShare(1).optMaxClumps(1).build();
        int size = s.parameters().size();
        for (int k = 0; k < 30; k++) {
            Galaxy g = s.galaxy(k);
            Galaxy.Clump clump = g.clumps().get(0);
            Galaxy.Box box = clump.box();
            assertTrue(0 <= box.x1() && box.x1() < box.x2() && box.x2() <= size, box.toString());
            assertTrue(0 <= box.y1() && box.y1() < box.y2() && box.y2() <= size, box.toString());
            double[] full = s.noiseless(g)[GalaxyRenderer.R], smooth = s.noiseless(g.smoothPart())[GalaxyRenderer.R];
            int brightest = 0;
            double total = 0, inBox = 0;
            for (int p = 0; p < full.length; p++) {
                double excess = full[p] - smooth[p];
                brightest = excess > full[brightest] - smooth[brightest] ? p : brightest;
                total += excess;
                double x = p % size + 0.5, y = p / size + 0.5;
                inBox += x > box.x1() && x < box.x2() && y > box.y1() && y < box.y2() ? excess : 0;
            }
            double bx = brightest % size + 0.5, by = brightest / size + 0.5;
            assertTrue(bx > box.x1() && bx < box.x2() && by > box.y1() && by < box.y2(), g.name());
            assertTrue(inBox / total > 0.75, g.name() + ": " + inBox / total);
        }
    }

    /**
     * A thousand images render whole and as a function of their index alone: each is size x size and not blank,
     * no two neighbours are alike, and a re-render in reverse order gives the same pixels (no state leaks from one
     * image into the next). Speed is measured by {@code benchmarks/survey-render.sh}, not asserted here.
     */
    @Test
    void thousandImagesRenderWholeAndIndependentOfOrder() {
        GalaxySurvey s = survey(1, 1000);
        int size = s.parameters().size();
        int[][] first = new int[1000][];
        for (int k = 0; k < 1000; k++) {
            java.awt.image.BufferedImage im = s.image(k);
            assertEquals(size, im.getWidth(), "width of " + k);
            assertEquals(size, im.getHeight(), "height of " + k);
            first[k] = im.getRGB(0, 0, size, size, null, 0, size);
            int lo = 255, hi = 0;
            for (int argb : first[k]) {
                int g = (argb >> 8) & 0xff;
                lo = Math.min(lo, g);
                hi = Math.max(hi, g);
            }
            assertTrue(hi - lo > 32, "image " + k + " is nearly blank: green spans " + lo + ".." + hi);
            if (k > 0) {
                assertFalse(java.util.Arrays.equals(first[k - 1], first[k]), "images " + (k - 1) + " and " + k);
            }
        }
        for (int k = 999; k >= 0; k -= 37) {
            assertArrayEquals(first[k], s.image(k).getRGB(0, 0, size, size, null, 0, size), "re-render of " + k);
        }
    }

    @Test
    void badParametersNameTheOption() {
        LumenException e = assertThrows(LumenException.class, () -> GalaxySurvey.builder().optSize(8).build());
        assertEquals("size", e.source()); // a setting, which the command line prints as --size
        assertTrue(e.isSetting());
        assertThrows(LumenException.class, () -> GalaxySurvey.builder().optCount(0).build());
        assertThrows(LumenException.class, () -> GalaxySurvey.builder().optClumpFluxFraction(0.2, 0.1).build());
    }

    static Map<String, byte[]> contents(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    private static List<String> pngs(Map<String, byte[]> files) {
        return files.entrySet().stream().filter(e -> e.getKey().endsWith(".png"))
                .map(e -> java.util.HexFormat.of().formatHex(e.getValue())).toList();
    }
}
