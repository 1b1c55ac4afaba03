package org.lumen.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.lumen.nn.model.Classification;
import org.lumen.core.LumenException;
import org.lumen.core.data.ImageFolder;
import org.lumen.core.io.AtomicFiles;
import org.lumen.core.report.Json;
import org.lumen.core.report.Plots;
import org.lumen.core.image.Image;
import org.lumen.core.image.ImageOps;
import org.lumen.core.io.Npy;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.classify.FolderImages;
import org.lumen.nn.model.ModelInfo;
import org.lumen.nn.model.Preprocess;
import org.lumen.nn.robust.Attack;
import org.lumen.nn.robust.Attacks;
import org.lumen.nn.robust.PixelModel;
import org.lumen.nn.robust.RobustAccuracy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lumen attack}: adversarial examples of images for a classifier, made by the library's {@link Attacks}.
 * Each image is prepared as {@code predict} prepares it (decoded, fitted to the model's size, in {@code [0, 1]}),
 * attacked there, and written beside its clean and adversarial predictions. Files are staged and published as
 * {@code explain}'s ({@link StagedOutput}); a bad image file is reported and skipped ({@link FileErrors}).
 */
@Command(name = "attack", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Adversarial examples for a classifier: FGSM or PGD (L-inf, L2), in the pixel units of [0, 1]"
            + " images, the model's normalisation inside it, as torchattacks computes them.",
            "Per image, in --out: <stem>.<method>.npy (the adversarial input, float32 [C, H, W] in [0, 1] at the"
            + " model's size, before normalisation) and <stem>.<method>.png (the same, 8-bit); on stdout one JSON"
            + " line with the label attacked (its probability before and after), the clean and adversarial"
            + " predictions and the perturbation's L-inf and L2 norms.",
            "Untargeted attacks move each image away from its predicted class unless --label names one; --target"
            + " makes the attack targeted, towards that class.",
            "With --data, a split of an ImageFolder instead: robust accuracy (correct before and after the attack on"
            + " the true class) per --eps, in DIR/attack.json and DIR/robustness.png, a warning when it rises with eps"
            + " (AutoAttack's sign of masked gradients), and the first --examples adversarial inputs."},
        footer = {"", "Examples:",
            "  lumen attack --model runs/clumps/best --data survey/classify --method pgd --eps 1/255,2/255,4/255,8/255 \\",
            "      --out runs/clumps/robust",
            "  lumen attack --model runs/clumps/best --method fgsm --eps 8/255 --out adv survey/classify/test/clumpy",
            "  lumen attack --model runs/clumps/best --method pgd --eps 4/255 --alpha 1/255 --steps 20 --out adv \\",
            "      galaxy_00003.png",
            "  lumen attack --arch resnet18 --weights resnet18.safetensors --classes 1000 --method pgd-l2 --eps 0.5 \\",
            "      --target 281 --out adv chelsea.png"})
final class AttackCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--method", defaultValue = "pgd", paramLabel = "NAME",
            description = "fgsm, pgd (L-inf) or pgd-l2 (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--eps", split = ",", paramLabel = "E", description = "Largest perturbation norm in [0, 1] pixel"
            + " units; a fraction such as 8/255 is accepted (default: 8/255; pgd-l2: 1.0). With --data, several,"
            + " comma-separated: the robust-accuracy curve.")
    List<String> eps;

    @Option(names = "--data", paramLabel = "D", description = "An ImageFolder root: robust accuracy of its --split per"
            + " --eps instead of attacking single images; writes DIR/attack.json, DIR/robustness.png and"
            + " DIR/examples/.")
    Path data;

    @Option(names = "--split", defaultValue = "test", description = "With --data: val or test (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--examples", defaultValue = "4", paramLabel = "K", description = "With --data: adversarial inputs"
            + " of the first K images at the largest eps written to DIR/examples (default: ${DEFAULT-VALUE}).")
    int examples;

    @Option(names = "--alpha", paramLabel = "A", description = "PGD step size, a number or fraction (default: 2/255;"
            + " pgd-l2: 0.2).")
    String alpha;

    @Option(names = "--steps", defaultValue = "10", paramLabel = "N", description = "PGD steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--random-start", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "PGD starts at a random point of the eps-ball (default: on; --no-random-start starts at the"
                    + " image).")
    boolean randomStart;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of the random start (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--label", paramLabel = "L", description = "Untargeted: the class to move away from, name or"
            + " index (default: each image's predicted class).")
    String label;

    @Option(names = "--target", paramLabel = "T", description = "Targeted: the class to move towards, name or index.")
    String target;

    @Option(names = "--batch", defaultValue = "8", paramLabel = "B", description = "Images attacked together (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (with --data: replaced"
            + " whole when the run has finished).")
    Path out;

    @Option(names = "--strict", description = "Stop at the first bad image file (exit 2; no output for it or the files"
            + " after it). Without it a bad file gets its error line, the others are attacked and the exit code is 2.")
    boolean strict;

    @Parameters(arity = "0..*", paramLabel = "IMAGE", description = "Image files or folders (without --data).")
    List<Path> inputs;

    @Override
    public Integer call() throws IOException {
        Flags.between("--batch", batch, 1, Flags.MAX_EXPLAIN_BATCH);
        if (label != null && target != null) {
            throw new LumenException("--target", "give --label (untargeted) or --target (targeted), not both");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new LumenException(out, "exists and is not a folder");
        }
        if (data != null) {
            return robustness();
        }
        if (inputs == null || inputs.isEmpty()) {
            throw new LumenException("--data", "give image files or folders, or a dataset with --data");
        }
        if (eps != null && eps.size() != 1) {
            throw new LumenException("--eps", "takes one value when attacking images; several are for --data");
        }
        List<Path> files = PredictCommand.expand(inputs);
        List<String> stems = StagedOutput.stems(files);
        FileErrors errors = new FileErrors(strict);
        try (Classifier model = modelOptions.openClassifier()) {
            ModelInfo info = model.info();
            String named = target != null ? target : label; // null: each image's prediction is its label
            Integer fixed = named == null ? null : Integer.valueOf(ExplainCommand.resolveTarget(named, info.classNames()));
            Attack attack = attack(model, eps == null ? null : number("--eps", eps.get(0)), target != null);
            return StagedOutput.run(out, errors, stage -> {
                errors.inBatches(files, batch, file -> Preprocess.load(file, info.imgsz(), info.channels()),
                        (indices, images) -> attackBatch(model, attack, fixed, indices.stream().map(files::get).toList(),
                                indices.stream().map(stems::get).toList(), images, stage));
            });
        }
    }

    /** The attack the options describe, at {@code epsilon} (null: the method's default). */
    private Attack attack(Classifier model, Double epsilon, boolean targeted) {
        Attacks.Builder b = Attacks.builder().setModel(PixelModel.of(model)).setMethod(method).optSteps(steps)
                .optRandomStart(randomStart).optTargeted(targeted).optSeed(seed);
        if (epsilon != null) {
            b.optEps(epsilon);
        }
        if (alpha != null) {
            b.optAlpha(number("--alpha", alpha));
        }
        return b.build();
    }

    /** {@code --data}: robust accuracy per eps over a split, the curve, and a few adversarial examples. */
    private Integer robustness() throws IOException {
        if (inputs != null && !inputs.isEmpty()) {
            throw new LumenException("--data", "attacks a dataset; give no image files with it");
        }
        if (label != null || target != null) {
            throw new LumenException(label != null ? "--label" : "--target", "is for single images; --data attacks"
                    + " each image's true class");
        }
        if (!List.of("val", "test", "train").contains(split)) {
            throw new LumenException("--split", "must be train, val or test, got '" + split + "'");
        }
        Flags.between("--examples", examples, 0, 1000);
        List<Double> values = new ArrayList<>(List.of(0.0));
        List<String> texts = new ArrayList<>(List.of("0"));
        for (String e : eps == null ? List.of(method.equalsIgnoreCase("pgd-l2") ? "1.0" : "8/255") : eps) {
            double v = number("--eps", e);
            if (v <= values.get(values.size() - 1) && v != 0) {
                throw new LumenException("--eps", "values must increase, got " + String.join(",", eps));
            }
            if (v > 0) {
                values.add(v);
                texts.add(e.trim());
            }
        }
        try (Classifier model = modelOptions.openClassifier()) {
            // built once before any image is read: checks the settings and gives the method's name
            String name = attack(model, values.get(values.size() - 1), false).method();
            ImageFolder folder = ImageFolder.open(data, split);
            if (!folder.classes().equals(model.classNames())) {
                throw new LumenException(folder.folder(), "classes " + folder.classes() + " differ from the model's "
                        + model.classNames());
            }
            FolderImages images = FolderImages.load(folder, model.info().imgsz(), model.info().channels());
            List<RobustAccuracy.Example> shown = new ArrayList<>();
            List<RobustAccuracy> curve = RobustAccuracy.evaluate(model, images, values,
                    e -> attack(model, e, false), batch, examples, shown);
            String rise = RobustAccuracy.rise(curve);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("data", data.toAbsolutePath().normalize().toString());
            json.put("split", split);
            json.put("images", images.size());
            json.put("method", name);
            json.put("steps", steps);
            json.put("alpha", alpha);
            json.put("random_start", randomStart);
            json.put("seed", seed);
            json.put("clean_accuracy", curve.get(0).accuracy());
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < curve.size(); i++) {
                RobustAccuracy r = curve.get(i);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("eps", r.eps());
                row.put("eps_text", texts.get(i));
                row.put("robust_accuracy", r.accuracy());
                row.put("mean_linf", r.meanLinf());
                row.put("mean_l2", r.meanL2());
                rows.add(row);
            }
            json.put("curve", rows);
            List<Map<String, Object>> ex = new ArrayList<>();
            for (RobustAccuracy.Example e : shown) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("image", images.name(e.index()));
                m.put("class", model.classNames().get(images.label(e.index())));
                m.put("adversarial_class", model.classNames().get(e.predicted()));
                ex.add(m);
            }
            json.put("examples", ex);
            json.put("warnings", rise == null ? List.of() : List.of("robust accuracy rises with eps: " + rise));
            ModelInfo info = model.info();
            AtomicFiles.writeFolder(out, dir -> {
                Json.write(dir.resolve("attack.json"), json);
                double[][] xy = new double[2][curve.size()];
                for (int i = 0; i < curve.size(); i++) {
                    xy[0][i] = curve.get(i).eps() * 255;
                    xy[1][i] = curve.get(i).accuracy();
                }
                Plots.curvePanels(dir.resolve("robustness.png"), List.of(new Plots.CurvePanel("Robust accuracy ("
                        + name + ")", "eps x 255", "accuracy", Map.of(name, xy))));
                Path exDir = dir.resolve("examples");
                Files.createDirectories(exDir);
                for (RobustAccuracy.Example e : shown) {
                    // class first: two class folders may hold files of the same name
                    String stem = model.classNames().get(images.label(e.index())) + "_" + Path.of(images.name(
                            e.index())).getFileName().toString().replaceFirst("\\.[^.]+$", "");
                    ImageOps.writePng(ImageOps.toRgb8(new Image(info.channels(), info.imgsz(), info.imgsz(),
                            e.adversarial(), 8, Image.Scale.NORMALISED)), exDir.resolve(stem + "." + name + ".png"));
                }
            });
            for (int i = 0; i < curve.size(); i++) {
                RobustAccuracy r = curve.get(i);
                System.out.printf(java.util.Locale.ROOT, "eps %s: %s accuracy %.4f, mean L-inf %.4g, mean L2 %.4g%n",
                        texts.get(i), i == 0 ? "clean" : "robust", r.accuracy(), r.meanLinf(), r.meanL2());
            }
            if (rise != null) {
                System.err.println("warning: robust accuracy rises with eps (" + rise + "): the attack may be"
                        + " weakened by masked gradients; try more steps or a random start");
            }
            System.out.println("-> " + out);
        }
        return Main.OK;
    }

    private void attackBatch(Classifier model, Attack attack, Integer fixed, List<Path> files, List<String> stems,
            List<Image> images, Path stage) throws IOException {
        ModelInfo info = model.info();
        int c = info.channels();
        int s = info.imgsz();
        int per = c * s * s;
        int n = images.size();
        float[] x = new float[n * per];
        for (int i = 0; i < n; i++) {
            System.arraycopy(images.get(i).data(), 0, x, i * per, per);
        }
        PixelModel pixels = PixelModel.of(model);
        float[][] clean;
        float[][] attacked;
        float[] adv;
        int[] labels = new int[n];
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray batchArray = scope.create(x, new Shape(n, c, s, s));
            clean = Classifier.softmax(pixels.predict(batchArray));
            for (int i = 0; i < n; i++) {
                labels[i] = fixed != null ? fixed : Classification.argmax(clean[i]);
            }
            NDArray a = attack.perturb(batchArray, labels);
            adv = a.toFloatArray();
            attacked = Classifier.softmax(pixels.predict(a));
        }
        for (int i = 0; i < n; i++) {
            float[] one = java.util.Arrays.copyOfRange(adv, i * per, (i + 1) * per);
            String base = stems.get(i) + "." + attack.method();
            Npy.write(stage.resolve(base + ".npy"), one, c, s, s);
            ImageOps.writePng(ImageOps.toRgb8(new Image(c, s, s, one, 8, Image.Scale.NORMALISED)), stage.resolve(base + ".png"));
            double linf = 0;
            double l2 = 0;
            for (int p = 0; p < per; p++) {
                double d = one[p] - x[i * per + p];
                linf = Math.max(linf, Math.abs(d));
                l2 += d * d;
            }
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("image", files.get(i).toString());
            line.put("method", attack.method());
            line.put("targeted", target != null);
            Map<String, Object> attackedLabel = prediction(info, labels[i], clean[i]);
            attackedLabel.put("adversarial_probability", attacked[i][labels[i]]);
            line.put("label", attackedLabel);
            line.put("clean", prediction(info, Classification.argmax(clean[i]), clean[i]));
            line.put("adversarial", prediction(info, Classification.argmax(attacked[i]), attacked[i]));
            line.put("linf", linf);
            line.put("l2", Math.sqrt(l2));
            line.put("npy", out.resolve(base + ".npy").toString());
            System.out.println(JSON.writeValueAsString(line));
        }
        System.out.flush();
    }

    private static Map<String, Object> prediction(ModelInfo info, int index, float[] probs) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("index", index);
        p.put("class", info.classNames().get(index));
        p.put("probability", probs[index]);
        return p;
    }


    /** A number or a fraction {@code A/B} (both numbers), as {@code --eps 8/255}. */
    static double number(String flag, String text) {
        String t = text.trim();
        try {
            int slash = t.indexOf('/');
            double v = slash < 0 ? Double.parseDouble(t)
                    : Double.parseDouble(t.substring(0, slash).trim()) / Double.parseDouble(t.substring(slash + 1).trim());
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new LumenException(flag, "must be a number or a fraction such as 8/255, got '" + text + "'");
        }
    }
}
