package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.testing.Python;

/**
 * {@code --bands} through the front door, on astropy's 7-plane cube {@code arange.fits}: without it predict, explain,
 * val and train refuse the cube with one error line naming the file and the option, exit 2 (it was an internal
 * failure, exit 1, from channel conversion); with it predict gives exactly the answer for a 3-plane file that astropy
 * wrote from {@code data[[6, 2, 0]]}; bad values are refused naming the option or the file.
 */
class BandsOptionTest {
    static final Path ARANGE = Path.of("/usr/lib/python3/dist-packages/astropy/io/fits/tests/data/arange.fits");

    @TempDir
    static Path dir;
    static Path model;
    static Path selected;
    static Path data;

    @BeforeAll
    static void setUp() throws IOException {
        model = TestModels.save(dir.resolve("model"), List.of("clumpy", "smooth"));
        Python.run(dir, String.join("\n",
                "import sys",
                "from astropy.io import fits",
                "fits.PrimaryHDU(fits.getdata(sys.argv[1])[[6, 2, 0]]).writeto('selected.fits')"), ARANGE.toString());
        selected = dir.resolve("selected.fits");
        data = dir.resolve("data");
        for (String split : List.of("train", "val")) {
            for (String c : List.of("clumpy", "smooth")) {
                Files.createDirectories(data.resolve(split).resolve(c));
                for (int i = 0; i < 2; i++) {
                    Files.copy(ARANGE, data.resolve(split).resolve(c).resolve(i + ".fits"));
                }
            }
        }
    }

    private static final String REFUSAL = ": has 7 planes and the model takes 3 channels; choose 3 (or 1) of them"
            + " with --bands i,j,k (0-based plane indices, as astropy's data[i]; e.g. --bands 0,1,2)";

    /** Exit 2 and exactly one error line on stderr (train tells what it prepares first), which starts with {@code start}. */
    private static String refused(Cli.Result r, String start) {
        assertEquals(Main.BAD_INPUT, r.exit(), r::toString);
        List<String> errors = r.errLines().stream().filter(l -> l.startsWith("error")).toList();
        assertEquals(1, errors.size(), r::toString);
        assertTrue(errors.get(0).startsWith(start), r::toString);
        return errors.get(0);
    }

    @Test
    void aSevenPlaneCubeIsRefusedNamingTheFileAndTheOption() {
        assertEquals("error: " + ARANGE + REFUSAL, refused(Cli.run("predict", "--model", model, ARANGE), "error: "));
        assertEquals("error: " + ARANGE + REFUSAL, refused(Cli.run("explain", "--model", model, "--out", dir.resolve("cams"),
                ARANGE), "error: "));
        String file = refused(Cli.run("val", "--model", model, "--data", data, "--out", dir.resolve("v")), "error: ");
        assertTrue(file.endsWith(".fits" + REFUSAL), file);
        file = refused(Cli.run("train", "--data", data, "--arch", "resnet18", "--imgsz", 32, "--epochs", 1,
                "--out", dir.resolve("run")), "error: ");
        assertTrue(file.endsWith(".fits" + REFUSAL), file);
        assertTrue(!Files.exists(dir.resolve("run")) || dir.resolve("run").toFile().list().length == 0, "nothing half-written");
    }

    @Test
    void chosenPlanesGiveTheAnswerForAstropysDataOfThosePlanes() {
        Cli.Result chosen = Cli.run("predict", "--model", model, "--json", "--bands", "6,2,0", ARANGE);
        Cli.Result reference = Cli.run("predict", "--model", model, "--json", selected);
        assertEquals(0, chosen.exit(), chosen::toString);
        assertEquals(0, reference.exit(), reference::toString);
        String logits = logits(reference.out());
        assertEquals(logits, logits(chosen.out()));
        // another choice is another input: the selection is not ignored
        assertNotEquals(logits, logits(Cli.run("predict", "--model", model, "--json", "--bands", "0,1,2", ARANGE).out()));
        // val reads the planes too
        Cli.Result val = Cli.run("val", "--model", model, "--data", data, "--bands", "6,2,0", "--out", dir.resolve("v2"));
        assertEquals(0, val.exit(), val::toString);
    }

    private static String logits(String json) {
        int from = json.indexOf("\"logits\"");
        assertTrue(from >= 0, json);
        return json.substring(from, json.indexOf(']', from) + 1);
    }

    @Test
    void badBandsValuesAreRefused() {
        refused(Cli.run("predict", "--model", model, "--bands", "a,b", ARANGE),
                "error: --bands: must be comma-separated 0-based plane indices such as 0,1,2, got 'a,b'");
        refused(Cli.run("predict", "--model", model, "--bands", "0,-1,2", ARANGE),
                "error: --bands: plane indices are 0-based and not negative, got -1");
        refused(Cli.run("predict", "--model", model, "--bands", "0,1", ARANGE),
                "error: --bands: selects 2 planes but the model takes 3 channels; choose 1 or 3");
        refused(Cli.run("train", "--data", data, "--arch", "resnet18", "--bands", "0,1,2,3", "--out", dir.resolve("r2")),
                "error: --bands: selects 4 planes but the model takes 3 channels; choose 1 or 3");
        refused(Cli.run("predict", "--model", model, "--bands", "0,9,2", ARANGE),
                "error: " + ARANGE + ": has 7 planes (0-6); plane 9 was chosen");
    }
}
