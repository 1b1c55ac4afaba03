package org.lumen.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.lumen.nn.classify.Evaluation;

/** The demo's HTML report. */
final class DemoReport {
    private DemoReport() {}

    static Path write(Path out, Path run, Path test, Evaluation e, double seconds) throws IOException {
        Path report = out.resolve("report.html");
        org.lumen.core.io.AtomicFiles.writeString(report, "<html><body>accuracy " + e.metrics().accuracy() + "</body></html>");
        return report;
    }
}
