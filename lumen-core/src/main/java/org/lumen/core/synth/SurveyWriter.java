package org.lumen.core.synth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.lumen.core.LumenException;
import org.lumen.core.data.CocoDataset;
import org.lumen.core.data.DataYaml;
import org.lumen.core.data.Instances;
import org.lumen.core.data.Splits;
import org.lumen.core.data.YoloLabels;
import org.lumen.core.data.YoloSegLabels;
import org.lumen.core.geometry.Contours;
import org.lumen.core.geometry.Polygons;
import org.lumen.core.geometry.Rle;
import org.lumen.core.io.AtomicFiles;

/**
 * Writes a {@link GalaxySurvey} to a folder in this layout (a contract: scripts and users rely on it):
 * <pre>
 * DIR/survey.json                                   parameters, seed, split counts, per-galaxy truth
 * DIR/classify/{train,val,test}/{clumpy,smooth}/galaxy_NNNNN.png     ImageFolder layout
 * DIR/detect/images/{train,val,test}/galaxy_NNNNN.png               every galaxy, smooth ones too
 * DIR/detect/labels/{train,val,test}/galaxy_NNNNN.txt               YOLO, class 0 = clump; empty if none
 * DIR/detect/annotations/instances_{train,val,test}.json            COCO, category 1 = clump
 * DIR/detect/data.yaml                                              Ultralytics config (absolute path)
 * DIR/segment/images/{train,val,test}/galaxy_NNNNN.png              every galaxy (the same bytes)
 * DIR/segment/masks/{train,val,test}/galaxy_NNNNN.png               8-bit grey, pixel = class index
 * DIR/segment/classes.json                                          class names by index, mask definition
 * DIR/segment/annotations/instances_{train,val,test}.json           COCO, clumps with RLE segmentation
 * DIR/segment/labels/{train,val,test}/galaxy_NNNNN.txt              YOLO-seg, class 0 = clump: each clump's
 *                                                                   outline (Contours); empty if none
 * </pre>
 * Mask classes are 0 background, 1 galaxy footprint, 2 clump; {@link SurveyMasks} defines them.
 * The split is 70/15/15, stratified by class and seeded by the survey seed; a galaxy is in the same split
 * in both trees. COCO image ids are the galaxy number plus one, annotation ids count clumps from 1 across
 * the whole survey.
 *
 * <p>Everything is written into a hidden sibling folder {@code .DIR.partial-*} that is renamed to
 * {@code DIR} only when complete, so {@code DIR} is either absent or whole. {@code DIR} may not exist yet
 * or be empty. If it already holds a survey whose {@code survey.json} has identical parameters, that survey
 * is kept and its summary returned (the same parameters would write the same bytes); any other non-empty
 * folder is refused rather than overwritten.
 */
public final class SurveyWriter {
    public static final List<String> SPLITS = List.of("train", "val", "test");
    /** The semantic-segmentation tree under the survey folder. */
    public static final String SEGMENT = "segment";
    private static final double[] SPLIT_FRACTIONS = {0.7, 0.15, 0.15};

    /**
     * What was written (or found).
     *
     * @param perSplit images per split, in train, val, test order
     * @param reused   true when {@code dir} already held this survey and nothing was written
     */
    public record Summary(Path dir, int images, int clumpy, int smooth, int clumps, Map<String, Integer> perSplit,
                          boolean reused) {}

    private final GalaxySurvey survey;
    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    SurveyWriter(GalaxySurvey survey) {
        this.survey = survey;
    }

    /** Writes the survey to {@code dir}; see the class comment for the layout and the existing-folder rule. */
    public Summary write(Path dir) throws IOException {
        dir = dir.toAbsolutePath().normalize();
        if (Files.isDirectory(dir) && !isEmpty(dir)) {
            Path existing = dir.resolve("survey.json");
            Summary found = Files.isRegularFile(existing) ? previous(existing) : null;
            if (found != null) {
                if (!Files.isDirectory(dir.resolve(SEGMENT))) {
                    addSegmentation(dir); // a survey written before masks existed: add them, change nothing else
                }
                return found;
            }
            throw new LumenException(dir, "folder is not empty and holds no survey with these parameters;"
                    + " choose a new folder or delete this one");
        } else if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new LumenException(dir, "exists and is not a folder");
        }
        Files.createDirectories(dir.getParent());
        Path partial = Files.createTempDirectory(dir.getParent(), "." + dir.getFileName() + ".partial-");
        try {
            Summary summary = writeInto(partial, dir);
            Files.deleteIfExists(dir); // an empty folder only: the check above refused any other
            AtomicFiles.move(partial, dir);
            return summary;
        } finally {
            deleteTree(partial);
        }
    }

    /** The summary of the survey described by {@code surveyJson} if it has our parameters, else null. */
    private Summary previous(Path surveyJson) throws IOException {
        try {
            JsonNode root = mapper.readTree(surveyJson.toFile());
            GalaxySurvey.Parameters theirs = mapper.treeToValue(root.get("parameters"), GalaxySurvey.Parameters.class);
            if (!survey.parameters().equals(theirs)) {
                return null;
            }
            Summary found = mapper.treeToValue(root.get("summary"), Summary.class);
            return new Summary(surveyJson.getParent(), found.images(), found.clumpy(), found.smooth(), found.clumps(),
                    found.perSplit(), true);
        } catch (JsonProcessingException | IllegalArgumentException | LumenException e) {
            return null; // not a survey.json we wrote: the folder is someone else's and is refused
        }
    }

    private Summary writeInto(Path out, Path finalDir) throws IOException {
        GalaxySurvey.Parameters p = survey.parameters();
        segmentClumps = 0;
        List<Galaxy> galaxies = new ArrayList<>();
        int[] labels = new int[p.count()];
        for (int k = 0; k < p.count(); k++) {
            galaxies.add(survey.galaxy(k));
            labels[k] = galaxies.get(k).clumpy() ? 0 : 1;
        }
        int[] split = Splits.stratified(labels, SPLIT_FRACTIONS, p.seed());
        ArrayNode truth = mapper.createArrayNode();
        Map<String, Integer> perSplit = new LinkedHashMap<>();
        List<List<CocoDataset.Image>> cocoImages = new ArrayList<>();
        List<List<CocoDataset.Annotation>> cocoAnnotations = new ArrayList<>();
        List<List<CocoDataset.Annotation>> segmentAnnotations = new ArrayList<>();
        for (String s : SPLITS) {
            perSplit.put(s, 0);
            cocoImages.add(new ArrayList<>());
            cocoAnnotations.add(new ArrayList<>());
            segmentAnnotations.add(new ArrayList<>());
        }
        int clumps = 0, clumpy = 0;
        for (int k = 0; k < p.count(); k++) {
            Galaxy galaxy = galaxies.get(k);
            String splitName = SPLITS.get(split[k]);
            String file = galaxy.name() + ".png";
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(survey.image(k), "png", png);
            writeFile(out.resolve("classify").resolve(splitName).resolve(galaxy.className()).resolve(file), png.toByteArray());
            writeFile(out.resolve("detect/images").resolve(splitName).resolve(file), png.toByteArray());

            List<YoloLabels.Label> yolo = new ArrayList<>();
            for (Galaxy.Clump clump : galaxy.clumps()) {
                Galaxy.Box b = clump.box();
                double size = p.size();
                yolo.add(new YoloLabels.Label(0, (b.x1() + b.x2()) / 2 / size, (b.y1() + b.y2()) / 2 / size,
                        b.width() / size, b.height() / size));
                cocoAnnotations.get(split[k]).add(new CocoDataset.Annotation(++clumps, k + 1, 1, b.x1(), b.y1(),
                        b.width(), b.height(), b.width() * b.height(), 0, null));
            }
            segmentFiles(out.resolve(SEGMENT), k, galaxy, splitName, png.toByteArray(), segmentAnnotations.get(split[k]));
            YoloLabels.write(out.resolve("detect/labels").resolve(splitName).resolve(galaxy.name() + ".txt"), yolo);
            cocoImages.get(split[k]).add(new CocoDataset.Image(k + 1, file, p.size(), p.size()));

            ObjectNode entry = truth.addObject().put("file", file).put("split", splitName);
            entry.setAll((ObjectNode) mapper.valueToTree(galaxy));
            perSplit.merge(splitName, 1, Integer::sum);
            clumpy += galaxy.clumpy() ? 1 : 0;
        }
        List<CocoDataset.Category> categories = List.of(new CocoDataset.Category(1, "clump", "galaxy feature"));
        for (int s = 0; s < SPLITS.size(); s++) {
            new CocoDataset(cocoImages.get(s), cocoAnnotations.get(s), categories)
                    .write(out.resolve("detect/annotations/instances_" + SPLITS.get(s) + ".json"));
        }
        writeSegmentIndex(out.resolve(SEGMENT), cocoImages, segmentAnnotations);
        new DataYaml(finalDir.resolve("detect").toString(), "images/train", "images/val", "images/test",
                List.of("clump")).write(out.resolve("detect/data.yaml"));

        Summary summary = new Summary(finalDir, p.count(), clumpy, p.count() - clumpy, clumps, perSplit, false);
        ObjectNode root = mapper.createObjectNode().put("generator", "lumen synth galaxies").put("format", 1);
        root.set("parameters", mapper.valueToTree(p));
        ObjectNode summaryNode = root.putObject("summary").put("images", summary.images())
                .put("clumpy", clumpy).put("smooth", summary.smooth()).put("clumps", clumps);
        summaryNode.set("perSplit", mapper.valueToTree(perSplit));
        root.set("galaxies", truth);
        byte[] json = mapper.writeValueAsBytes(root);
        AtomicFiles.write(out.resolve("survey.json"), o -> {
            o.write(json);
        });
        return summary;
    }

    /**
     * One galaxy's files in the segmentation tree: its image (the bytes written elsewhere), its class mask, and
     * its clumps as COCO annotations with RLE masks (ids count clumps from 1 across the survey, as in detect/).
     */
    private void segmentFiles(Path seg, int k, Galaxy galaxy, String splitName, byte[] png,
            List<CocoDataset.Annotation> annotations) throws IOException {
        int size = survey.parameters().size();
        String file = galaxy.name() + ".png";
        writeFile(seg.resolve("images").resolve(splitName).resolve(file), png);
        byte[] mask = SurveyMasks.classes(galaxy, survey.noiseless(galaxy), size);
        ByteArrayOutputStream maskPng = new ByteArrayOutputStream();
        ImageIO.write(SurveyMasks.toImage(mask, size), "png", maskPng);
        writeFile(seg.resolve("masks").resolve(splitName).resolve(file), maskPng.toByteArray());
        List<Rle> rles = SurveyMasks.clumpRles(galaxy, size);
        List<YoloSegLabels.Instance> outlines = new ArrayList<>();
        for (Rle rle : rles) {
            double[] outline = Contours.largestOutline(rle);
            if (outline != null) {
                outlines.add(new YoloSegLabels.Instance(0, Polygons.scale(outline, size, size)));
            }
        }
        writeFile(seg.resolve("labels").resolve(splitName).resolve(galaxy.name() + ".txt"),
                YoloSegLabels.format(outlines).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (Rle rle : rles) {
            annotations.add(Instances.toCoco(new Instances.Instance(0, List.of(), rle, false), ++segmentClumps, k + 1,
                    1, size, size));
        }
    }

    private int segmentClumps;

    private void writeSegmentIndex(Path seg, List<List<CocoDataset.Image>> images,
            List<List<CocoDataset.Annotation>> annotations) throws IOException {
        List<CocoDataset.Category> categories = List.of(new CocoDataset.Category(1, "clump", "galaxy feature"));
        for (int s = 0; s < SPLITS.size(); s++) {
            new CocoDataset(images.get(s), annotations.get(s), categories)
                    .write(seg.resolve("annotations/instances_" + SPLITS.get(s) + ".json"));
        }
        ObjectNode classes = mapper.createObjectNode();
        ArrayNode names = classes.putArray("classes");
        SurveyMasks.CLASSES.forEach(names::add);
        classes.put("definition", "0 background; 1 galaxy: pixels where the noiseless PSF-convolved r-band model"
                + " (disk, bulge, clumps; no sky) is at least " + SurveyMasks.FOOTPRINT_SIGMAS
                + " x sqrt(sky_r), the per-pixel sky noise; 2 clump: pixel centres within 2 sigma of a clump centre");
        byte[] json = mapper.writeValueAsBytes(classes);
        AtomicFiles.write(seg.resolve("classes.json"), o -> o.write(json));
    }

    /** Adds {@code DIR/segment} to a survey written without it, atomically (from its own detect/ images). */
    private void addSegmentation(Path dir) throws IOException {
        GalaxySurvey.Parameters p = survey.parameters();
        int[] labels = new int[p.count()];
        List<Galaxy> galaxies = new ArrayList<>();
        for (int k = 0; k < p.count(); k++) {
            galaxies.add(survey.galaxy(k));
            labels[k] = galaxies.get(k).clumpy() ? 0 : 1;
        }
        int[] split = Splits.stratified(labels, SPLIT_FRACTIONS, p.seed());
        Path partial = Files.createTempDirectory(dir, "." + SEGMENT + ".partial-");
        try {
            List<List<CocoDataset.Image>> images = new ArrayList<>();
            List<List<CocoDataset.Annotation>> annotations = new ArrayList<>();
            for (int s = 0; s < SPLITS.size(); s++) {
                images.add(new ArrayList<>());
                annotations.add(new ArrayList<>());
            }
            segmentClumps = 0;
            for (int k = 0; k < p.count(); k++) {
                Galaxy galaxy = galaxies.get(k);
                String splitName = SPLITS.get(split[k]);
                String file = galaxy.name() + ".png";
                byte[] png = Files.readAllBytes(dir.resolve("detect/images").resolve(splitName).resolve(file));
                segmentFiles(partial, k, galaxy, splitName, png, annotations.get(split[k]));
                images.get(split[k]).add(new CocoDataset.Image(k + 1, file, p.size(), p.size()));
            }
            writeSegmentIndex(partial, images, annotations);
            AtomicFiles.move(partial, dir.resolve(SEGMENT));
        } finally {
            deleteTree(partial);
        }
    }

    private static void writeFile(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
