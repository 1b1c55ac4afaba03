package org.lumen.core.report;

import org.lumen.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML page (inline CSS, no scripts, no external resources) built in reading order: a title,
 * an optional subtitle (provenance), then sections holding paragraphs, tables, figures and image grids.
 * All text is HTML-escaped; images are referenced by paths relative to the page, percent-encoded, so the
 * page and its images can be moved together.
 *
 * <pre>{@code
 * new HtmlReport("Galaxy morphology").subtitle("resnet18, seed 7, Lumen 0.1.0")
 *     .section("Metrics").keyValues(Map.of("accuracy", 0.93))
 *     .figure("roc.png", "ROC curves")
 *     .section("Test images").grid(cells)
 *     .write(out.resolve("report.html"));
 * }</pre>
 */
public final class HtmlReport {
    private static final String STYLE = String.join("\n",
            "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}",
            "h1{margin-bottom:.2em}.subtitle{color:#666;margin-top:0}h2{border-bottom:1px solid #ddd;padding-bottom:.2em}",
            "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ddd;padding:.3em .8em;text-align:left}",
            "td.number{text-align:right;font-variant-numeric:tabular-nums}th{background:#f5f5f5}",
            "figure{margin:1em 0}figure img{max-width:100%}figcaption{color:#555}",
            ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px}",
            ".cell{border:3px solid #ccc;border-radius:4px;padding:4px;font-size:.85em}",
            ".cell.correct{border-color:#2ca02c}.cell.incorrect{border-color:#d62728}",
            ".images{display:flex;gap:4px}.images figure{margin:0;flex:1}.images img{width:100%;display:block}",
            ".cell p{margin:.2em 0;overflow-wrap:anywhere}");

    private final String title;
    private final StringBuilder body = new StringBuilder();

    /** Whether a grid cell's prediction was right; decides its border colour. */
    public enum Outcome { CORRECT, INCORRECT, NONE }

    /** An image in a grid cell with an optional label above it (e.g. "input", "grad-cam"); label may be "". */
    public record GridImage(String path, String label) {}

    /** A grid cell: images side by side (input, explanations, detections...), caption lines below. */
    public record GridCell(List<GridImage> images, List<String> caption, Outcome outcome) {
        /**
         * The classification cell: the image, "predicted: tb (0.93)", "true: healthy", green border when
         * they agree, red otherwise.
         */
        public static GridCell classification(String image, String predicted, double probability, String truth) {
            return new GridCell(List.of(new GridImage(image, "")),
                    List.of(String.format(Locale.ROOT, "predicted: %s (%.2f)", predicted, probability), "true: " + truth),
                    predicted.equals(truth) ? Outcome.CORRECT : Outcome.INCORRECT);
        }
    }

    public HtmlReport(String title) {
        this.title = title;
    }

    /** A line under the title, e.g. the model, data and Lumen version the report was made from. */
    public HtmlReport subtitle(String text) {
        body.append("<p class=\"subtitle\">").append(escape(text)).append("</p>\n");
        return this;
    }

    /** Starts a section with a heading. */
    public HtmlReport section(String heading) {
        body.append("<h2>").append(escape(heading)).append("</h2>\n");
        return this;
    }

    public HtmlReport paragraph(String text) {
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    /** A two-column table of names and values, in the map's order (see {@link #table} for value formatting). */
    public HtmlReport keyValues(Map<String, ?> rows) {
        return table(List.of(), rows.entrySet().stream().map(e -> List.<Object>of(e.getKey(), e.getValue())).toList());
    }

    /**
     * A table with an optional header (empty for none). Floating-point values show 4 decimals, NaN as "n/a";
     * numbers are right-aligned.
     */
    public HtmlReport table(List<String> header, List<? extends List<?>> rows) {
        body.append("<table>\n");
        if (!header.isEmpty()) {
            body.append("<tr>");
            header.forEach(h -> body.append("<th>").append(escape(h)).append("</th>"));
            body.append("</tr>\n");
        }
        for (List<?> row : rows) {
            body.append("<tr>");
            for (Object value : row) {
                body.append(value instanceof Number ? "<td class=\"number\">" : "<td>").append(escape(format(value)))
                        .append("</td>");
            }
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    private static String format(Object value) {
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Double.isNaN(d) ? "n/a" : String.format(Locale.ROOT, "%.4f", d);
        }
        return String.valueOf(value);
    }

    /** An image (e.g. a plot) with a caption. */
    public HtmlReport figure(String path, String caption) {
        body.append("<figure><img src=\"").append(src(path)).append("\" alt=\"").append(escape(caption))
                .append("\"><figcaption>").append(escape(caption)).append("</figcaption></figure>\n");
        return this;
    }

    /** A grid of cells, as many per row as fit. */
    public HtmlReport grid(List<GridCell> cells) {
        body.append("<div class=\"grid\">\n");
        for (GridCell cell : cells) {
            String outcome = cell.outcome() == Outcome.NONE ? "" : " " + cell.outcome().name().toLowerCase(Locale.ROOT);
            body.append("<div class=\"cell").append(outcome).append("\"><div class=\"images\">");
            for (GridImage image : cell.images()) {
                body.append("<figure>");
                if (!image.label().isEmpty()) {
                    body.append("<figcaption>").append(escape(image.label())).append("</figcaption>");
                }
                body.append("<img src=\"").append(src(image.path())).append("\" alt=\"")
                        .append(escape(image.label().isEmpty() ? image.path() : image.label())).append("\"></figure>");
            }
            body.append("</div>");
            cell.caption().forEach(line -> body.append("<p>").append(escape(line)).append("</p>"));
            body.append("</div>\n");
        }
        body.append("</div>\n");
        return this;
    }

    /** The whole page. */
    public String toHtml() {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" + escape(title)
                + "</title>\n<style>\n" + STYLE + "\n</style>\n</head>\n<body>\n<h1>" + escape(title) + "</h1>\n"
                + body + "</body>\n</html>\n";
    }

    /** Writes the page atomically. */
    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, toHtml());
    }

    /** Text safe in element content and in double-quoted attributes. */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * A relative, '/'-separated path as a URL: every byte outside the unreserved characters is
     * percent-encoded, so names with spaces, '#', '?', ':' or non-ASCII letters still load as files.
     *
     * @throws IllegalArgumentException for an empty or absolute path, or one with Windows separators
     */
    private static String src(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\")) {
            throw new IllegalArgumentException("image path must be relative and '/'-separated: " + path);
        }
        StringBuilder url = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 128 && (Character.isLetterOrDigit(c) || "-._~/".indexOf(c) >= 0)) {
                url.append(c);
            } else {
                url.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return url.toString();
    }
}
