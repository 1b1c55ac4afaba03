package org.lumen.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's shared reference data, {@code shared/fixtures}: found by walking up from the working
 * directory, so it resolves both in a work tree ({@code <root>/shared} or a sibling {@code ../shared}) and in
 * CI, where the repository is cloned with {@code shared/} beside the clone.
 */
public final class SharedFixtures {
    private SharedFixtures() {}

    /** {@code shared/fixtures/<relative>}; fails the test, saying where it looked, when it is absent. */
    public static Path resolve(String relative) {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path fixtures = dir.resolve("shared").resolve("fixtures");
            if (Files.isDirectory(fixtures)) {
                Path target = fixtures.resolve(relative);
                if (!Files.exists(target)) {
                    fail("shared fixture " + relative + " missing in " + fixtures);
                }
                return target;
            }
        }
        return fail("no shared/fixtures folder in " + start + " or any folder above it; the reference data lives "
                + "in shared/fixtures beside the repository clone");
    }
}
