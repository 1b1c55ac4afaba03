package org.lumen.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.lumen.nn.classify.Classifier;
import org.lumen.nn.model.ModelInfo;

/** Untrained models written as model directories, for tests that need a model but not a trained one. */
final class TestModels {
    private TestModels() {}

    /** A randomly initialised ResNet-18 at 32 px for {@code classes}, saved to {@code dir}; returns {@code dir}. */
    static Path save(Path dir, List<String> classes) throws IOException {
        return save(dir, classes, "resnet18");
    }

    /** The same with another classification architecture. */
    static Path save(Path dir, List<String> classes, String arch) throws IOException {
        float[][] norm = ModelInfo.defaultNormalisation(3);
        ModelInfo info = new ModelInfo("classify", arch, classes, 32, 3, norm[0], norm[1], null);
        try (Classifier c = Classifier.create(info, 0)) {
            c.save(dir, null);
        }
        return dir;
    }
}
