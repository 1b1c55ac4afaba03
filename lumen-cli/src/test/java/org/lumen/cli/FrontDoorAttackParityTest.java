package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.io.Npy;
import org.lumen.core.testing.Python;

/**
 * The front door for attacks: {@code lumen attack --arch resnet18 --weights W --classes 1000 --imgsz 224} on
 * scikit-image's photographs (cut to 224 x 224), with torchvision's resnet18 made realistic (batch-norm statistics
 * calibrated on the photographs), gives torchattacks' FGSM (untargeted and targeted), one PGD L-inf step and one PGD
 * L2 step, re-typed in plain torch: every pixel to 1e-6, but for sign methods the pixels whose gradient is too
 * small for its sign to be decided (at most 1e-4 of the image's largest gradient, and at most 0.1% of the pixels).
 * Ten PGD steps from a random start then hold the properties an attack must have (Foolbox's): inside the
 * eps-ball and the pixel range, each label less probable than before, and on average less than FGSM leaves it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrontDoorAttackParityTest {
    private static final Path DIR = Paths.get("target", "frontdoor", "attack").toAbsolutePath();
    private static final double EPS = 8 / 255.0;
    private static final double BOUND = 1e-6;
    /** A gradient this small (relative to the image's largest) does not decide its sign: torch and Lumen may differ. */
    private static final double UNDECIDED = 1e-4;

    @BeforeAll
    void references() {
        String helpers = resource("/frontdoor/classify_reference.py");
        helpers = helpers.substring(0, helpers.indexOf("if __name__ == \"__main__\":"));
        Python.run(DIR, helpers + resource("/frontdoor/attack_reference.py"), DIR.toString());
    }

    private static String resource(String name) {
        try (InputStream in = FrontDoorAttackParityTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> images() throws IOException {
        try (Stream<Path> s = Files.list(DIR.resolve("images"))) {
            return s.sorted().toList();
        }
    }

    /** Runs {@code lumen attack} on the photographs and returns each image's adversarial input, in sorted order. */
    private List<float[]> attack(Path out, String method, Object... more) throws IOException {
        return attack(out, images(), method, more);
    }

    /** The same on {@code images} only. */
    private List<float[]> attack(Path out, List<Path> images, String method, Object... more) throws IOException {
        List<Object> args = new ArrayList<>(List.of("attack", "--arch", "resnet18", "--weights",
                DIR.resolve("resnet18.safetensors"), "--classes", 1000, "--imgsz", 224, "--method", method,
                "--batch", 8, "--out", out));
        args.addAll(List.of(more));
        args.addAll(images);
        Cli.Result r = Cli.run(args.toArray());
        assertEquals(0, r.exit(), r::toString);
        List<float[]> adv = new ArrayList<>();
        for (Path image : images) {
            String stem = image.getFileName().toString().replaceFirst("\\.png$", "");
            adv.add(Npy.read(out.resolve(stem + "." + method + ".npy")).floats());
        }
        this.lastOut = r.out();
        return adv;
    }

    private String lastOut;

    private static float[] slice(float[] all, int i, int per) {
        return java.util.Arrays.copyOfRange(all, i * per, (i + 1) * per);
    }

    /** Every pixel within {@link #BOUND}, but where the reference gradient is too small to decide a sign. */
    private static void assertSignAttackEquals(String what, List<float[]> got, float[] want, float[] grad) {
        int per = 3 * 224 * 224;
        int undecided = 0;
        double worst = 0;
        for (int i = 0; i < got.size(); i++) {
            float[] g = slice(grad, i, per);
            float[] w = slice(want, i, per);
            double gmax = 0;
            for (float v : g) {
                gmax = Math.max(gmax, Math.abs(v));
            }
            for (int p = 0; p < per; p++) {
                double d = Math.abs(got.get(i)[p] - w[p]);
                if (d > BOUND) {
                    assertTrue(Math.abs(g[p]) <= UNDECIDED * gmax, what + " image " + i + " pixel " + p + ": |diff| "
                            + d + " where the gradient " + g[p] + " of max " + gmax + " decides the sign");
                    undecided++;
                } else {
                    worst = Math.max(worst, d);
                }
            }
        }
        System.out.printf("front door attack %s: max |diff| %.3g, %d of %d pixels with an undecided sign differ%n",
                what, worst, undecided, got.size() * per);
        assertTrue(undecided <= 1e-3 * got.size() * per, what + ": " + undecided + " pixels differ");
    }

    @Test
    void fgsmEqualsTorchattacks(@TempDir Path tmp) throws IOException {
        List<float[]> got = attack(tmp.resolve("fgsm"), "fgsm", "--eps", "8/255");
        assertSignAttackEquals("fgsm", got, Npy.read(DIR.resolve("fgsm.npy")).floats(),
                Npy.read(DIR.resolve("grad.npy")).floats());
        long[] labels = Npy.read(DIR.resolve("labels.npy")).longs();
        List<JsonNode> lines = FrontDoor.jsonLinesByImage(lastOut);
        for (int i = 0; i < labels.length; i++) {
            assertEquals(labels[i], lines.get(i).get("label").get("index").asLong(), "the clean prediction attacked");
            assertTrue(lines.get(i).get("linf").asDouble() <= EPS + 1e-7);
        }
    }

    @Test
    void targetedFgsmEqualsTorchattacks(@TempDir Path tmp) throws IOException {
        List<float[]> got = attack(tmp.resolve("fgsm-t"), "fgsm", "--eps", "8/255", "--target", 281);
        assertSignAttackEquals("fgsm --target 281", got, Npy.read(DIR.resolve("fgsm-target281.npy")).floats(),
                Npy.read(DIR.resolve("grad281.npy")).floats());
        for (JsonNode line : FrontDoor.jsonLinesByImage(lastOut)) {
            assertTrue(line.get("targeted").asBoolean());
            assertEquals(281, line.get("label").get("index").asInt());
        }
    }

    @Test
    void onePgdStepEqualsTorchattacks(@TempDir Path tmp) throws IOException {
        List<float[]> got = attack(tmp.resolve("pgd"), "pgd", "--eps", "8/255", "--alpha", "2/255", "--steps", 1,
                "--no-random-start");
        assertSignAttackEquals("pgd step", got, Npy.read(DIR.resolve("pgd.npy")).floats(),
                Npy.read(DIR.resolve("grad.npy")).floats());
    }

    @Test
    void onePgdStepLargerThanEpsIsProjectedAsTorchattacks(@TempDir Path tmp) throws IOException {
        List<float[]> got = attack(tmp.resolve("pgd"), "pgd", "--eps", "1/255", "--alpha", "2/255", "--steps", 1,
                "--no-random-start");
        assertSignAttackEquals("pgd step beyond eps", got, Npy.read(DIR.resolve("pgd-projected.npy")).floats(),
                Npy.read(DIR.resolve("grad.npy")).floats());
    }

    @Test
    void onePgdL2StepEqualsTorchattacks(@TempDir Path tmp) throws IOException {
        assertL2StepEquals(tmp, "pgd-l2", 1.0); // inside the ball
        assertL2StepEquals(tmp, "pgd-l2-projected", 0.1); // scaled back onto it
    }

    private void assertL2StepEquals(Path tmp, String reference, double eps) throws IOException {
        List<float[]> got = attack(tmp.resolve(reference), "pgd-l2", "--eps", eps, "--alpha", 0.2, "--steps", 1,
                "--no-random-start");
        float[] want = Npy.read(DIR.resolve(reference + ".npy")).floats();
        int per = 3 * 224 * 224;
        double worst = 0;
        for (int i = 0; i < got.size(); i++) {
            float[] w = slice(want, i, per);
            for (int p = 0; p < per; p++) {
                worst = Math.max(worst, Math.abs(got.get(i)[p] - w[p]));
            }
        }
        System.out.printf("front door attack %s step: max |diff| %.3g%n", reference, worst);
        assertTrue(worst <= BOUND, reference + " step: max |diff| " + worst);
        for (JsonNode line : FrontDoor.jsonLinesByImage(lastOut)) {
            assertTrue(line.get("l2").asDouble() <= eps * (1 + 1e-5), reference + ": L2 norm " + line.get("l2"));
        }
    }

    @Test
    void tenPgdStepsStayInTheBallAndLowerTheLabelMoreThanFgsm(@TempDir Path tmp) throws IOException {
        String eps = "0.25/255";
        double e = 0.25 / 255;
        List<Path> images = images().subList(0, 3); // ten steps on three photographs: the properties, not parity
        attack(tmp.resolve("f"), images, "fgsm", "--eps", eps);
        List<JsonNode> fgsm = FrontDoor.jsonLinesByImage(lastOut);
        List<float[]> pgd = attack(tmp.resolve("p"), images, "pgd", "--eps", eps, "--alpha", "0.1/255", "--steps", 10,
                "--seed", 3);
        List<JsonNode> lines = FrontDoor.jsonLinesByImage(lastOut);
        double fgsmLabel = 0;
        double pgdLabel = 0;
        for (int i = 0; i < pgd.size(); i++) {
            float[] clean = Npy.read(tmp.resolve("f").resolve(images.get(i).getFileName().toString()
                    .replaceFirst("\\.png$", ".fgsm.npy"))).floats();
            double linf = 0;
            for (int p = 0; p < clean.length; p++) {
                float v = pgd.get(i)[p];
                assertTrue(v >= 0 && v <= 1, "pixel range");
                linf = Math.max(linf, Math.abs(v - clean[p]));
            }
            // both lie within eps of the clean image, so within 2 eps of each other
            assertTrue(linf <= 2 * e + 1e-6, "PGD and FGSM both lie within eps of the image: " + linf);
            assertTrue(lines.get(i).get("linf").asDouble() <= e + 1e-7, "PGD's own L-inf norm");
            double before = lines.get(i).get("label").get("probability").asDouble();
            double after = lines.get(i).get("label").get("adversarial_probability").asDouble();
            assertTrue(after < before, "PGD lowers the label's probability: " + before + " -> " + after);
            fgsmLabel += fgsm.get(i).get("label").get("adversarial_probability").asDouble();
            pgdLabel += after;
        }
        System.out.printf("front door attack at %s: the label's mean probability after FGSM %.4f, after PGD-10 %.4f;"
                + " clean predictions kept %d and %d of %d%n", eps, fgsmLabel / pgd.size(), pgdLabel / pgd.size(),
                kept(fgsm), kept(lines), pgd.size());
        assertTrue(pgdLabel < fgsmLabel, "PGD-10 leaves the label more probable than FGSM does");
    }

    private static int kept(List<JsonNode> lines) {
        int kept = 0;
        for (JsonNode l : lines) {
            if (l.get("adversarial").get("index").asInt() == l.get("clean").get("index").asInt()) {
                kept++;
            }
        }
        return kept;
    }
}
