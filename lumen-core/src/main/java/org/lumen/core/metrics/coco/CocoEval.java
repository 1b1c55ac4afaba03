package org.lumen.core.metrics.coco;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.lumen.core.LumenException;
import org.lumen.core.data.CocoDataset;
import org.lumen.core.data.CocoReader;

/**
 * COCO detection and instance-segmentation evaluation, equal to pycocotools' {@code COCOeval} with its default
 * parameters ({@link CocoParams}): the same matching (greedy by score, crowd regions matched by many and
 * ignored, ground truth outside the area range ignored), the same tie order, the same 101-point interpolated
 * precision and the same 12 statistics.
 *
 * <pre>{@code
 * CocoEvaluation e = CocoEval.evaluate(Path.of("gt.json"), Path.of("dt.json"), IouType.BBOX);
 * double ap = e.stats()[0];
 * }</pre>
 */
public final class CocoEval {
    private CocoEval() {}

    /**
     * Reads, checks and evaluates a ground-truth file and a results file.
     *
     * @throws LumenException naming the file and every fault in it
     */
    public static CocoEvaluation evaluate(Path gtFile, Path dtFile, IouType type) throws IOException {
        requireFile(gtFile);
        requireFile(dtFile);
        CocoDataset gt = CocoReader.readForEvaluation(gtFile);
        CocoDetections dt = CocoDetections.read(dtFile, gt, type);
        return Evaluator.run(GroundTruth.of(gt, type, gtFile.toString()), dt, type);
    }

    /**
     * Evaluates detections against a dataset in memory (segmentation faults in the ground truth are reported
     * against {@code "ground truth"}).
     *
     * @throws IllegalArgumentException if a detection names an image or category the ground truth lacks
     */
    public static CocoEvaluation evaluate(CocoDataset gt, CocoDetections dt, IouType type) {
        return Evaluator.run(GroundTruth.of(gt, type, "ground truth"), dt, type);
    }

    private static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LumenException(file, Files.isDirectory(file) ? "is a folder, expected a JSON file" : "file not found");
        }
    }
}
