package org.lumen.core.metrics.coco;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import org.lumen.core.data.CocoDataset;
import org.lumen.core.data.CocoReader;
import org.lumen.core.report.Json;

/**
 * Not a test: times {@code CocoEval} on a synthetic file pair of COCO's proportions (default 50,000 images,
 * 7 objects and 20 detections per image, 10 categories, 5% crowd). Writes {@code gt.json}/{@code dt.json} to
 * the folder given (so pycocotools can be timed on the same files), then prints the seconds to read and
 * evaluate, best of three.
 *
 * <pre>java -cp ... org.lumen.core.metrics.coco.CocoEvalBenchmark OUT_DIR [IMAGES]</pre>
 */
public final class CocoEvalBenchmark {
    private CocoEvalBenchmark() {}

    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "coco-bench"));
        int images = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        Path gt = dir.resolve("gt.json"), dt = dir.resolve("dt.json");
        write(gt, dt, images, new SplittableRandom(1));
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        CocoEvaluation e = null;
        for (int run = 0; run < 3; run++) {
            long t0 = System.nanoTime();
            CocoDataset dataset = CocoReader.readForEvaluation(gt);
            long t1 = System.nanoTime();
            CocoDetections detections = CocoDetections.read(dt, dataset, IouType.BBOX);
            long t2 = System.nanoTime();
            e = CocoEval.evaluate(dataset, detections, IouType.BBOX);
            long t3 = System.nanoTime();
            best[0] = Math.min(best[0], (t1 - t0) / 1e9);
            best[1] = Math.min(best[1], (t2 - t1) / 1e9);
            best[2] = Math.min(best[2], (t3 - t2) / 1e9);
        }
        System.out.print(e.summary());
        System.out.printf(Locale.ROOT, "%d images, %d detections: read ground truth %.2f s, read detections %.2f s, "
                + "evaluate %.2f s (best of 3)%n", images, e == null ? 0 : 20 * images, best[0], best[1], best[2]);
    }

    private static void write(Path gt, Path dt, int images, SplittableRandom random) throws IOException {
        int categories = 10;
        try (JsonGenerator g = Json.mapper().createGenerator(gt.toFile(), com.fasterxml.jackson.core.JsonEncoding.UTF8);
             JsonGenerator d = Json.mapper().createGenerator(dt.toFile(), com.fasterxml.jackson.core.JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeArrayFieldStart("images");
            for (int i = 1; i <= images; i++) {
                g.writeStartObject();
                g.writeNumberField("id", i);
                g.writeStringField("file_name", i + ".png");
                g.writeNumberField("width", 640);
                g.writeNumberField("height", 480);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("categories");
            for (int c = 1; c <= categories; c++) {
                g.writeStartObject();
                g.writeNumberField("id", c);
                g.writeStringField("name", "c" + c);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("annotations");
            d.writeStartArray();
            int id = 1;
            for (int i = 1; i <= images; i++) {
                double[][] objects = new double[7][];
                for (int k = 0; k < objects.length; k++) {
                    double w = 4 + random.nextDouble() * 200, h = 4 + random.nextDouble() * 200;
                    double x = random.nextDouble() * (640 - w), y = random.nextDouble() * (480 - h);
                    int category = 1 + random.nextInt(categories);
                    objects[k] = new double[] {x, y, w, h, category};
                    g.writeStartObject();
                    g.writeNumberField("id", id++);
                    g.writeNumberField("image_id", i);
                    g.writeNumberField("category_id", category);
                    g.writeArrayFieldStart("bbox");
                    g.writeNumber(x);
                    g.writeNumber(y);
                    g.writeNumber(w);
                    g.writeNumber(h);
                    g.writeEndArray();
                    g.writeNumberField("area", w * h * 0.8);
                    g.writeNumberField("iscrowd", random.nextDouble() < 0.05 ? 1 : 0);
                    g.writeEndObject();
                }
                for (int k = 0; k < 20; k++) {
                    double[] o = objects[random.nextInt(objects.length)];
                    boolean hit = random.nextDouble() < 0.6;
                    d.writeStartObject();
                    d.writeNumberField("image_id", i);
                    d.writeNumberField("category_id", hit ? (int) o[4] : 1 + random.nextInt(categories));
                    d.writeArrayFieldStart("bbox");
                    for (int c = 0; c < 4; c++) {
                        double v = hit ? o[c] + (random.nextDouble() - 0.5) * 0.2 * o[2 + c % 2] : random.nextDouble() * 300;
                        d.writeNumber(c >= 2 ? Math.max(1, v) : v);
                    }
                    d.writeEndArray();
                    d.writeNumberField("score", Math.round(random.nextDouble() * 100) / 100.0);
                    d.writeEndObject();
                }
            }
            g.writeEndArray();
            g.writeEndObject();
            d.writeEndArray();
        }
    }
}
