package org.lumen.benchmarks;

import java.util.Arrays;
import java.util.Locale;
import org.lumen.core.synth.GalaxySurvey;

/**
 * How fast the synthetic galaxy survey renders: {@link GalaxySurvey#image(int)} for images 0..count-1 of the
 * default survey (seed 1), after {@code warmup} renders that warm up the JIT, repeated {@code rounds} times.
 * Prints one JSON line: the median and best round in seconds per {@code count} images and in ms per image.
 * This was a timed unit test (1,000 images under 8 s); speed depends on the machine and its load, so it is
 * measured here and never asserted by {@code mvn verify}.
 *
 * <p>Usage: {@code SurveyRender [count (1000)] [warmup (50)] [rounds (5)]}.
 */
public final class SurveyRender {
    private SurveyRender() {}

    public static void main(String[] args) {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        if (count < 1 || warmup < 0 || rounds < 1) {
            System.err.println("error: arguments: count and rounds must be at least 1, warmup at least 0");
            System.exit(2);
        }
        GalaxySurvey survey = GalaxySurvey.builder().optSeed(1).optCount(Math.max(count, warmup)).build();
        long sink = 0;
        for (int k = 0; k < warmup; k++) {
            sink += survey.image(k).getRGB(0, 0);
        }
        double[] seconds = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            for (int k = 0; k < count; k++) {
                sink += survey.image(k).getRGB(0, 0); // read a pixel so no render can be optimised away
            }
            seconds[r] = (System.nanoTime() - start) / 1e9;
        }
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        double median = sorted[rounds / 2];
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"survey-render\",\"count\":%d,\"size\":%d,\"rounds\":%d,\"median_s\":%.3f,\"best_s\":%.3f,"
                        + "\"median_ms_per_image\":%.3f,\"checksum\":%d}",
                count, survey.parameters().size(), rounds, median, sorted[0], 1000 * median / count, sink));
    }
}
