package org.lumen.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.lumen.core.synth.GalaxySurvey;
import org.lumen.core.synth.SurveyWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lumen synth galaxies}: the built-in synthetic survey. */
@Command(name = "synth", mixinStandardHelpOptions = true, description = "Write synthetic data sets.",
        footer = {"", "Examples:", "  lumen synth galaxies --out survey", "  lumen synth galaxies --out small --count 100 --size 32"},
        subcommands = SynthCommand.Galaxies.class)
final class SynthCommand {

    @Command(name = "galaxies", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Write a synthetic galaxy survey: SDSS-like g/r/i cut-outs (Sersic disk and bulge, PSF, "
                + "sky and Poisson noise, asinh colour stretch), a share of them with giant star-forming clumps.",
                "Layout: DIR/classify/{train,val,test}/{clumpy,smooth}/*.png and DIR/detect/ (COCO json per "
                + "split, YOLO labels, data.yaml), plus DIR/survey.json with the truth for every galaxy."},
            footer = {"", "Examples:", "  lumen synth galaxies --out survey",
                "  lumen synth galaxies --out big --count 5000 --size 96 --seed 7"})
    static final class Galaxies implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to create (must be new or empty).")
        Path out;

        @Option(names = "--count", defaultValue = "600", paramLabel = "N", description = "Number of galaxies (default: ${DEFAULT-VALUE}).")
        int count;

        @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--size", defaultValue = "64", paramLabel = "PX", description = "Cut-out size in pixels, 32-1024 (default: ${DEFAULT-VALUE}).")
        int size;

        @Override
        public Integer call() throws Exception {
            SurveyWriter.Summary s = GalaxySurvey.builder().optCount(count).optSeed(seed).optSize(size).build().write(out);
            System.out.printf("%s %d galaxies (%d clumpy, %d smooth, %d clumps) in %s%n",
                    s.reused() ? "found" : "wrote", s.images(), s.clumpy(), s.smooth(), s.clumps(), s.dir());
            return Main.OK;
        }
    }
}
