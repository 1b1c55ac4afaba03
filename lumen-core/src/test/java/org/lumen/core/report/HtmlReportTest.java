package org.lumen.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lumen.core.report.HtmlReport.GridCell;
import org.lumen.core.report.HtmlReport.GridImage;
import org.lumen.core.report.HtmlReport.Outcome;

class HtmlReportTest {
    @TempDir
    Path dir;

    @Test
    void buildsASelfContainedEscapedPage() throws IOException {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", 0.93456);
        metrics.put("roc_auc_macro", Double.NaN);
        metrics.put("images", 420);
        HtmlReport report = new HtmlReport("TB <screening> & \"more\"")
                .subtitle("resnet18 on data/tb, Lumen 0.1.0")
                .section("Metrics").keyValues(metrics)
                .table(List.of("class", "recall"), List.of(List.of("tb", 0.5), List.of("healthy", 1.0)))
                .figure("plots/roc curve.png", "ROC <curves>")
                .section("Test images")
                .grid(List.of(
                        GridCell.classification("images/tb #1.png", "tb", 0.934, "tb"),
                        GridCell.classification("images/é.png", "tb", 0.61, "healthy"),
                        new GridCell(List.of(new GridImage("a.png", "input"), new GridImage("a.cam.png", "grad-cam")),
                                List.of("two images"), Outcome.NONE)));
        Path file = dir.resolve("report.html");
        report.write(file);
        String html = Files.readString(file);
        assertEquals(report.toHtml(), html);

        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<h1>TB &lt;screening&gt; &amp; &quot;more&quot;</h1>"));
        assertTrue(html.contains("<td>accuracy</td><td class=\"number\">0.9346</td>"));
        assertTrue(html.contains("<td class=\"number\">n/a</td>"));
        assertTrue(html.contains("<td class=\"number\">420</td>"));
        assertTrue(html.contains("<th>class</th><th>recall</th>"));
        assertTrue(html.contains("<img src=\"plots/roc%20curve.png\" alt=\"ROC &lt;curves&gt;\">"));
        assertTrue(html.contains("<div class=\"cell correct\">"));
        assertTrue(html.contains("src=\"images/tb%20%231.png\""));
        assertTrue(html.contains("<p>predicted: tb (0.93)</p><p>true: tb</p>"));
        assertTrue(html.contains("<div class=\"cell incorrect\">"));
        assertTrue(html.contains("src=\"images/%C3%A9.png\""));
        assertTrue(html.contains("<div class=\"cell\"><div class=\"images\"><figure><figcaption>input</figcaption>"));
        for (String external : List.of("http:", "https:", "<script", "<link", "@import")) {
            assertFalse(html.contains(external), "no external resource or script: " + external);
        }
    }

    @Test
    void refusesImagePathsThatAreNotRelative() {
        HtmlReport report = new HtmlReport("t");
        assertThrows(IllegalArgumentException.class, () -> report.figure("/tmp/roc.png", "roc"));
        assertThrows(IllegalArgumentException.class, () -> report.figure("plots\\roc.png", "roc"));
        assertTrue(report.figure("run:1/roc.png", "roc").toHtml().contains("src=\"run%3A1/roc.png\""),
                "a colon cannot turn a file name into a URL scheme");
    }
}
