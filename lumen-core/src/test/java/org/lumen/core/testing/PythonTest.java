package org.lumen.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/**
 * The runner every parity test goes through: output comes back whole (more than a pipe's buffer), a failing
 * script fails the test with its stderr, and a hung script is killed at its timeout, grandchildren included.
 *
 * <p>The hang case sleeps for ten minutes; before the fix (stdout read to the end before {@code waitFor}) the
 * runner waited for it, in a read that ignores interrupts. The {@link Timeout}, on its own thread so it fires
 * anyway, is a hang guard for that case, not a speed assertion.
 */
class PythonTest {
    @Test
    void returnsAllOfALargeOutput(@TempDir Path dir) {
        // 1 MB: far more than a pipe holds, so a runner that waits before reading would deadlock here
        String out = Python.run(dir, "import sys\nsys.stdout.write('x' * (1 << 20) + '\\nend ' + sys.argv[1])", "ok");
        assertEquals((1 << 20) + "\nend ok".length(), out.length());
        assertTrue(out.endsWith("\nend ok"));
    }

    @Test
    void failingScriptFailsWithItsStderr(@TempDir Path dir) {
        Python.requireParity(); // outside assertThrows: with parity switched off this test is skipped, not failed
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Python.run(dir, "import sys\nprint('bad reference input', file=sys.stderr)\nsys.exit(3)"));
        assertTrue(e.getMessage().contains("reference script failed"), e.getMessage());
        assertTrue(e.getMessage().contains("bad reference input"), e.getMessage());
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void hungScriptIsKilledAtItsTimeout(@TempDir Path dir) throws IOException {
        Python.requireParity();
        // the script starts a grandchild that would also outlive a plain destroy(), then hangs
        String script = String.join("\n",
                "import os, subprocess, sys, time",
                "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])",
                "open('pids.txt', 'w').write('%d %d' % (os.getpid(), child.pid))",
                "print('started', flush=True)",
                "time.sleep(600)");
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Python.run(dir, Duration.ofSeconds(5), script));
        assertTrue(e.getMessage().contains("ran past 5 s and was killed"), e.getMessage());
        assertTrue(e.getMessage().contains("started"), "the failure shows the script's output: " + e.getMessage());
        for (String pid : Files.readString(dir.resolve("pids.txt")).trim().split(" ")) {
            Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(pid));
            h.ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
            assertFalse(h.map(ProcessHandle::isAlive).orElse(false), "process " + pid + " outlived the timeout");
        }
    }
}
