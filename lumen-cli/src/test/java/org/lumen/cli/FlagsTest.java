package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.lumen.core.LumenException;

/**
 * The library names settings as its Java API does; the command line prints them as its flags (through the whole
 * command: {@code DetectWorkflowTest}'s {@code --tile-overlap} refusal, thrown by {@code Tiling} as a setting).
 */
class FlagsTest {
    @Test
    void settingsBecomeFlags() {
        assertEquals("--imgsz", Flags.of("imgsz"));
        assertEquals("--max-det", Flags.of("maxDet"));
        assertEquals("--tile-overlap", Flags.of("tileOverlap"));
        assertEquals("--arch", Flags.of("--arch"));
    }

    @Test
    void filesStayFiles() {
        assertEquals("--tile-overlap: overlap must be in [0, 4), got 9",
                Flags.line(LumenException.setting("tileOverlap", "overlap must be in [0, 4), got 9")));
        assertEquals("tileOverlap: overlap must be in [0, 4), got 9",
                LumenException.setting("tileOverlap", "overlap must be in [0, 4), got 9").line());
        assertEquals("a/maxDet.png: not an image", Flags.line(new LumenException(Path.of("a/maxDet.png"), "not an image")));
    }
}
