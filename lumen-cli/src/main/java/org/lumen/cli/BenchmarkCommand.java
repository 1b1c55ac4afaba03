package org.lumen.cli;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.lumen.core.LumenException;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.classify.ModelInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lumen benchmark}: inference speed of an architecture on this machine. */
@Command(name = "benchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure inference speed: forward passes of an architecture (random weights, random",
            "normalised input) after warm-up, timed for at least --seconds. Reports ms per image and images/s."},
        footer = {"", "Examples:", "  lumen benchmark --arch resnet18 --batch 8",
            "  lumen benchmark --arch densenet121 --imgsz 224 --batch 16 --json"})
final class BenchmarkCommand implements Callable<Integer> {
    @Option(names = "--arch", required = true, paramLabel = "A", description = "Architecture (torchvision name).")
    String arch;

    @Option(names = "--imgsz", defaultValue = "224", paramLabel = "S", description = "Input size (default: ${DEFAULT-VALUE}).")
    int imgsz;

    @Option(names = "--batch", defaultValue = "8", paramLabel = "B", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--classes", defaultValue = "1000", paramLabel = "K", description = "Classes of the head (default: ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--seconds", defaultValue = "5", description = "Minimum timed duration (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        if (batch < 1 || batch > 1024) {
            throw new LumenException("--batch", "must be between 1 and 1024, got " + batch);
        }
        if (imgsz < 16 || imgsz > 4096) {
            throw new LumenException("--imgsz", "must be between 16 and 4096, got " + imgsz);
        }
        if (!(seconds > 0 && seconds <= 3600)) {
            throw new LumenException("--seconds", "must be in (0, 3600], got " + seconds);
        }
        float[][] norm = ModelInfo.defaultNormalisation(3);
        ModelInfo info = new ModelInfo("classify", arch, ModelInfo.anonymousClasses(classes), imgsz, 3, norm[0],
                norm[1], null);
        try (Classifier model = Classifier.create(info, 0)) {
            float[] x = new float[batch * 3 * imgsz * imgsz];
            SplittableRandom r = new SplittableRandom(0);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (r.nextDouble() * 4 - 2);
            }
            for (int i = 0; i < 3; i++) {
                model.logits(x, batch);
            }
            int iterations = 0;
            long start = System.nanoTime();
            long end;
            do {
                model.logits(x, batch);
                iterations++;
                end = System.nanoTime();
            } while (end - start < seconds * 1e9 || iterations < 3);
            double msPerImage = (end - start) / 1e6 / (iterations * (double) batch);
            if (json) {
                System.out.printf(Locale.ROOT, "{\"arch\":\"%s\",\"imgsz\":%d,\"batch\":%d,\"iterations\":%d,"
                        + "\"ms_per_image\":%.4f,\"images_per_second\":%.3f,\"threads\":%d}%n", arch, imgsz, batch,
                        iterations, msPerImage, 1000 / msPerImage, Runtime.getRuntime().availableProcessors());
            } else {
                System.out.printf(Locale.ROOT, "%s %dx%d batch %d: %.2f ms/image, %.1f images/s (%d batches)%n", arch,
                        imgsz, imgsz, batch, msPerImage, 1000 / msPerImage, iterations);
            }
        }
        return Main.OK;
    }
}
