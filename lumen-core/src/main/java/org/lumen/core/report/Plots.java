package org.lumen.core.report;

import org.lumen.core.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.IntToDoubleFunction;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.lumen.core.metrics.ClassificationMetrics;
import org.lumen.core.metrics.ConfusionMatrix;
import org.lumen.core.metrics.Curve;

/**
 * PNG plots for run folders and reports, drawn with JFreeChart without a display: white background,
 * anti-aliased, {@value #WIDTH} x {@value #HEIGHT} pixels unless stated. Every file is written atomically.
 */
public final class Plots {
    static {
        System.setProperty("java.awt.headless", "true"); // servers and CI have no display
    }

    public static final int WIDTH = 800;
    public static final int HEIGHT = 600;
    /** Matplotlib's tab10 colours: distinguishable, and familiar to readers of Python reports. */
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)};
    private static final Color GRID = new Color(0xdddddd);
    private static final Color DARK_BLUE = new Color(0x08306b);

    private Plots() {}

    /** One-vs-rest ROC curve per class, "class (AUC 0.912)" in the legend, and the chance diagonal. */
    public static void roc(Path png, ClassificationMetrics m) throws IOException {
        DefaultXYDataset data = curves(m, m::rocCurve, "AUC", k -> m.perClass().get(k).rocAuc());
        data.addSeries("chance", new double[][] {{0, 1}, {0, 1}});
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        int chance = data.getSeriesCount() - 1;
        renderer.setSeriesPaint(chance, Color.GRAY);
        renderer.setSeriesStroke(chance, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
                new float[] {6, 6}, 0));
        write(png, List.of(unitSquareChart("ROC curves", "False positive rate", "True positive rate", data, renderer)), 1,
                WIDTH, HEIGHT);
    }

    /** Precision-recall curve per class, drawn as the steps average precision sums, "class (AP 0.873)". */
    public static void precisionRecall(Path png, ClassificationMetrics m) throws IOException {
        DefaultXYDataset data = curves(m, m::precisionRecallCurve, "AP", k -> m.perClass().get(k).averagePrecision());
        XYStepRenderer renderer = new XYStepRenderer();
        renderer.setStepPoint(0); // precision p_k holds over (r_(k-1), r_k]
        write(png, List.of(unitSquareChart("Precision-recall curves", "Recall", "Precision", data, renderer)), 1,
                WIDTH, HEIGHT);
    }

    /** The defined curves of every class, keyed "name (AUC 0.912)". */
    private static DefaultXYDataset curves(ClassificationMetrics m, IntFunction<Optional<Curve>> curve, String area,
                                           IntToDoubleFunction value) {
        DefaultXYDataset data = new DefaultXYDataset();
        for (int k = 0; k < m.classes().size(); k++) {
            Optional<Curve> c = curve.apply(k);
            if (c.isPresent()) {
                String key = String.format(Locale.ROOT, "%s (%s %.3f)", m.classes().get(k), area, value.applyAsDouble(k));
                data.addSeries(key, new double[][] {c.get().x(), c.get().y()});
            }
        }
        return data;
    }

    private static JFreeChart unitSquareChart(String title, String x, String y, DefaultXYDataset data,
                                              XYItemRenderer renderer) {
        NumberAxis xAxis = new NumberAxis(x);
        NumberAxis yAxis = new NumberAxis(y);
        xAxis.setRange(-0.01, 1.01);
        yAxis.setRange(-0.01, 1.01);
        for (int s = 0; s < data.getSeriesCount(); s++) {
            if (renderer.getSeriesPaint(s) == null) {
                renderer.setSeriesPaint(s, PALETTE[s % PALETTE.length]);
                renderer.setSeriesStroke(s, new BasicStroke(2f));
            }
        }
        return styled(new JFreeChart(title, new XYPlot(data, xAxis, yAxis, renderer)));
    }

    /**
     * The confusion matrix as a heatmap: rows are true classes (first at the top), columns predicted classes,
     * each cell shows its count and is shaded by its share of the true class (the row-normalised recall).
     */
    public static void confusionMatrix(Path png, List<String> classes, ConfusionMatrix matrix) throws IOException {
        int k = matrix.classes();
        double[][] cells = new double[3][k * k];
        XYBlockRenderer renderer = new XYBlockRenderer();
        renderer.setPaintScale(new WhiteToBlue());
        Font font = new Font(Font.SANS_SERIF, Font.BOLD, Math.max(9, Math.min(20, 160 / k)));
        for (int t = 0; t < k; t++) {
            long support = matrix.support(t);
            for (int p = 0; p < k; p++) {
                int i = t * k + p;
                cells[0][i] = p;
                cells[1][i] = t;
                cells[2][i] = support == 0 ? 0 : matrix.count(t, p) / (double) support;
                XYTextAnnotation count = new XYTextAnnotation(Long.toString(matrix.count(t, p)), p, t);
                count.setFont(font);
                count.setPaint(cells[2][i] > 0.5 ? Color.WHITE : Color.BLACK);
                renderer.addAnnotation(count);
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("counts", cells);
        String[] names = classes.toArray(String[]::new);
        SymbolAxis predicted = new SymbolAxis("Predicted class", names);
        SymbolAxis truth = new SymbolAxis("True class", names);
        predicted.setRange(-0.5, k - 0.5);
        truth.setRange(-0.5, k - 0.5);
        truth.setInverted(true);
        predicted.setGridBandsVisible(false);
        truth.setGridBandsVisible(false);
        XYPlot plot = new XYPlot(data, predicted, truth, renderer);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        JFreeChart chart = styled(new JFreeChart("Confusion matrix (shade: share of the true class)", plot));
        chart.removeLegend();
        write(png, List.of(chart), 1, WIDTH, HEIGHT);
    }

    /** White at 0 to dark blue at 1. */
    private static final class WhiteToBlue implements PaintScale {
        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return 1;
        }

        @Override
        public Paint getPaint(double value) {
            double v = Math.max(0, Math.min(1, value));
            return new Color(mix(255, DARK_BLUE.getRed(), v), mix(255, DARK_BLUE.getGreen(), v),
                    mix(255, DARK_BLUE.getBlue(), v));
        }

        private static int mix(int from, int to, double v) {
            return (int) Math.round(from + (to - from) * v);
        }
    }

    /**
     * One small panel per column of {@code results.csv} against epoch, two panels a row, each 400 x 300.
     */
    public static void trainingCurves(Path png, ResultsCsv results) throws IOException {
        double[] epochs = new double[results.lastEpoch()];
        for (int e = 0; e < epochs.length; e++) {
            epochs[e] = e + 1;
        }
        List<JFreeChart> panels = results.columns().stream().map(column -> {
            DefaultXYDataset data = new DefaultXYDataset();
            data.addSeries(column, new double[][] {epochs, results.column(column)});
            NumberAxis x = new NumberAxis("Epoch");
            x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            x.setAutoRangeIncludesZero(false);
            NumberAxis y = new NumberAxis();
            y.setAutoRangeIncludesZero(false);
            XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
            renderer.setSeriesPaint(0, PALETTE[0]);
            renderer.setSeriesStroke(0, new BasicStroke(2f));
            JFreeChart chart = styled(new JFreeChart(column, new XYPlot(data, x, y, renderer)));
            chart.removeLegend();
            return chart;
        }).toList();
        write(png, panels, 2, WIDTH / 2, HEIGHT / 2);
    }

    /**
     * One panel of named curves: {@code series} maps a legend entry to {@code {x[], y[]}}; x spans 0 to its largest
     * value (1 for a fraction of pixels), y is ranged to the data.
     */
    public record CurvePanel(String title, String x, String y, java.util.Map<String, double[][]> series) {}

    /** Panels of curves side by side, each 400 x 300 (e.g. deletion and insertion curves, one line per method). */
    public static void curvePanels(Path png, List<CurvePanel> panels) throws IOException {
        List<JFreeChart> charts = panels.stream().map(p -> {
            DefaultXYDataset data = new DefaultXYDataset();
            p.series().forEach(data::addSeries);
            NumberAxis x = new NumberAxis(p.x());
            double top = p.series().values().stream().flatMapToDouble(xy -> java.util.Arrays.stream(xy[0])).max()
                    .orElse(1);
            top = top > 0 ? top : 1;
            x.setRange(-0.01 * top, 1.01 * top);
            NumberAxis y = new NumberAxis(p.y());
            y.setAutoRangeIncludesZero(true);
            XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
            for (int s = 0; s < data.getSeriesCount(); s++) {
                renderer.setSeriesPaint(s, PALETTE[s % PALETTE.length]);
                renderer.setSeriesStroke(s, new BasicStroke(2f));
            }
            return styled(new JFreeChart(p.title(), new XYPlot(data, x, y, renderer)));
        }).toList();
        write(png, charts, charts.size(), WIDTH / 2, HEIGHT / 2);
    }

    private static JFreeChart styled(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        LegendTitle legend = chart.getLegend();
        if (legend != null) {
            legend.setPosition(RectangleEdge.BOTTOM);
            legend.setFrame(BlockBorder.NONE);
        }
        return chart;
    }

    /** Draws {@code charts} in a grid {@code columns} wide, each panel {@code width} x {@code height}. */
    private static void write(Path png, List<JFreeChart> charts, int columns, int width, int height) throws IOException {
        int across = Math.max(1, Math.min(columns, charts.size()));
        int down = Math.max(1, (charts.size() + across - 1) / across);
        BufferedImage image = new BufferedImage(across * width, down * height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setPaint(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int i = 0; i < charts.size(); i++) {
                charts.get(i).draw(g, new Rectangle2D.Double(i % across * width, i / across * height, width, height));
            }
        } finally {
            g.dispose();
        }
        AtomicFiles.write(png, out -> ImageIO.write(image, "png", out));
    }
}
