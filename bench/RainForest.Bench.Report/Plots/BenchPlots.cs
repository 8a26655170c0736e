using System.Globalization;
using ScottPlot;

namespace RainForest.Bench.Report.Plots;

/// <summary>
/// The report's plots, each saved as a PNG: latency CDFs (paper Fig. 3a and 6), tail-percentile plots, heatmaps
/// of a <see cref="Matrix"/> (Fig. 7), latency against load (Fig. 8 and 12) and grouped bars (Fig. 9).
/// </summary>
/// <remarks>
/// ScottPlot 5 draws with SkiaSharp; the native library it ships for Linux has no fontconfig dependency and reads
/// fonts from /usr/share/fonts, so a machine without any font there draws plots without text.
/// </remarks>
public static class BenchPlots
{
    /// <summary>Default PNG width in pixels.</summary>
    public const int DefaultWidth = 900;

    /// <summary>Default PNG height in pixels.</summary>
    public const int DefaultHeight = 560;

    private const string PreferredFont = "DejaVu Sans";

    private static readonly IPalette s_palette = new ScottPlot.Palettes.Category10();

    /// <summary>
    /// The cumulative distribution of each series on a log latency axis, with a dotted line at each series' mean
    /// (as the paper's Fig. 6 draws it). Series in other units are converted to <paramref name="unit"/>, or to the
    /// first series' unit.
    /// </summary>
    public static void LatencyCdf(IReadOnlyList<LatencySeries> series, string path, string title, TimeUnit? unit = null,
        int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(series);
        var target = unit ?? (series.Count > 0 ? series[0].Unit : TimeUnit.Microseconds);
        using var plot = NewPlot(title);
        var names = LegendNames(series);
        var floor = PositiveFloor(series, target);
        for (var i = 0; i < series.Count; i++)
        {
            var s = series[i];
            var cdf = s.CdfOrApproximation();
            var xs = cdf.Select(p => Log(TimeUnits.Convert(p.Value, s.Unit, target), floor)).ToArray();
            var ys = cdf.Select(p => p.Fraction).ToArray();
            var color = s_palette.GetColor(i);
            var line = plot.Add.ScatterLine(xs, ys, color);
            line.LineWidth = 2;
            line.LegendText = names[i];
            plot.Add.VerticalLine(Log(TimeUnits.Convert(s.Mean, s.Unit, target), floor), 1.5f, color, LinePattern.Dotted);
        }

        LogTicks(plot.Axes.Bottom);
        plot.Axes.SetLimitsY(0, 1.02);
        plot.XLabel($"latency ({target.Symbol()}, log scale; dotted: mean)");
        plot.YLabel("cumulative fraction of operations");
        plot.ShowLegend(Alignment.LowerRight);
        Save(plot, path, width, height);
    }

    /// <summary>
    /// Latency against percentile on a tail-stretching axis (90%, 99%, 99.9%, ... equally spaced), both log scale:
    /// the HdrHistogram view, where differences in the tail are as wide as those at the median.
    /// </summary>
    public static void LatencyTail(IReadOnlyList<LatencySeries> series, string path, string title, TimeUnit? unit = null,
        int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(series);
        var target = unit ?? (series.Count > 0 ? series[0].Unit : TimeUnit.Microseconds);
        using var plot = NewPlot(title);
        var names = LegendNames(series);
        var floor = PositiveFloor(series, target);
        var maxNines = 1.0;
        for (var i = 0; i < series.Count; i++)
        {
            var s = series[i];
            var cdf = s.CdfOrApproximation();

            // The maximum sits at fraction 1, which has no finite position; put it where 1/count of the samples
            // lie above, the last quantile the data can resolve.
            var lastNines = s.Count > 1 ? Math.Log10(s.Count) : 0;
            var points = cdf
                .Select(p => (X: p.Fraction < 1 ? -Math.Log10(1 - p.Fraction) : lastNines, Y: Log(TimeUnits.Convert(p.Value, s.Unit, target), floor)))
                .Where(p => double.IsFinite(p.X))
                .ToList();
            var fixedPoints = new List<(double X, double Y)>();
            foreach (var p in points)
            {
                fixedPoints.Add((fixedPoints.Count > 0 ? Math.Max(p.X, fixedPoints[^1].X) : p.X, p.Y));
            }

            if (fixedPoints.Count == 0)
            {
                continue;
            }

            maxNines = Math.Max(maxNines, fixedPoints.Max(p => p.X));
            var line = plot.Add.ScatterLine(fixedPoints.Select(p => p.X).ToArray(), fixedPoints.Select(p => p.Y).ToArray(), s_palette.GetColor(i));
            line.LineWidth = 2;
            line.LegendText = names[i];
        }

        var nines = (int)Math.Ceiling(maxNines);
        var positions = Enumerable.Range(0, nines + 1).Select(n => (double)n).ToArray();
        var labels = positions.Select(n => n == 0 ? "0%" : (100 * (1 - Math.Pow(10, -n))).ToString("0.#####", CultureInfo.InvariantCulture) + "%").ToArray();
        plot.Axes.Bottom.SetTicks(positions, labels);
        // A little room past the last tick keeps its label from being cut at the edge.
        plot.Axes.SetLimitsX(0, nines + 0.2);
        LogTicks(plot.Axes.Left);
        plot.XLabel("percentile");
        plot.YLabel($"latency ({target.Symbol()}, log scale)");
        plot.ShowLegend(Alignment.UpperLeft);
        Save(plot, path, width, height);
    }

    /// <summary>The matrix as a heatmap, first row at the top, each cell labelled with its value.</summary>
    /// <exception cref="InvalidDataException">The matrix is malformed.</exception>
    public static void Heatmap(Matrix matrix, string path, int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        matrix.Validate();
        var rows = matrix.RowLabels.Count;
        var columns = matrix.ColumnLabels.Count;
        var title = matrix.System is null ? matrix.Title : $"{matrix.Title} ({matrix.System})";
        using var plot = NewPlot(title);
        var data = new double[rows, columns];
        var known = matrix.Values.SelectMany(r => r).OfType<double>().ToList();
        var min = known.Count > 0 ? known.Min() : 0;
        var max = known.Count > 0 ? known.Max() : 1;
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                data[r, c] = matrix.Values[r][c] ?? double.NaN;
            }
        }

        var colormap = new ScottPlot.Colormaps.Viridis();
        var heatmap = plot.Add.Heatmap(data);
        heatmap.Colormap = colormap;
        heatmap.NaNCellColor = Colors.LightGray;
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = matrix.Unit;

        // ScottPlot draws data row 0 at the top, centred on y = rows - 1; cells are one unit wide and tall.
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var value = matrix.Values[r][c];
                var text = plot.Add.Text(value is { } v ? NumberFormat.Value(v) : "n/a", c, rows - 1 - r);
                text.Alignment = Alignment.MiddleCenter;
                text.LabelFontSize = columns > 8 ? 11 : 14;
                var shade = value is { } x && max > min ? (x - min) / (max - min) : 0.5;
                text.LabelFontColor = value is null || shade > 0.6 ? Colors.Black : Colors.White;
            }
        }

        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, columns).Select(c => (double)c)], [.. matrix.ColumnLabels]);
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, rows).Select(r => (double)(rows - 1 - r))], [.. matrix.RowLabels]);
        FitBottomLabels(plot, matrix.ColumnLabels, width);

        plot.Axes.SetLimits(-0.5, columns - 0.5, -0.5, rows - 0.5);
        plot.XLabel(matrix.ColumnAxis);
        plot.YLabel(matrix.RowAxis);
        plot.Grid.IsVisible = false;
        Save(plot, path, width, height);
    }

    /// <summary>
    /// <paramref name="stat"/> latency against offered load, one line per curve, with a dashed line at
    /// <paramref name="latencyLimit"/> when one is given. The latency axis turns logarithmic when the values
    /// span more than two orders of magnitude, so that a curve that explodes does not flatten the rest.
    /// </summary>
    public static void LoadCurves(IReadOnlyList<LoadCurve> curves, string path, string title, LatencyStat stat = LatencyStat.P99,
        double? latencyLimit = null, int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var unit = curves.Count > 0 ? curves[0].Unit : TimeUnit.Milliseconds;
        var rateUnit = curves.Count > 0 ? curves[0].RateUnit : "req/s";
        using var plot = NewPlot(title);
        var values = curves.SelectMany(c => c.Points.Select(p => TimeUnits.Convert(p.Get(stat), c.Unit, unit))).Where(v => v > 0).ToList();
        var logScale = values.Count > 0 && values.Max() / values.Min() > 100;
        var floor = values.Count > 0 ? values.Min() / 2 : 1e-9;
        double Y(double v) => logScale ? Log(v, floor) : v;
        for (var i = 0; i < curves.Count; i++)
        {
            var curve = curves[i];
            var points = curve.Points.OrderBy(p => p.OfferedRate).ToList();
            var line = plot.Add.Scatter(
                points.Select(p => p.OfferedRate).ToArray(),
                points.Select(p => Y(TimeUnits.Convert(p.Get(stat), curve.Unit, unit))).ToArray(),
                s_palette.GetColor(i));
            line.LineWidth = 2;
            line.MarkerSize = 7;
            line.LegendText = curve.Group is null || curves.All(c => c.Group == curve.Group) ? curve.System : $"{curve.System}: {curve.Group}";
        }

        if (latencyLimit is { } limit && limit > 0)
        {
            var hline = plot.Add.HorizontalLine(Y(limit), 1.5f, Colors.Gray, LinePattern.Dashed);
            hline.LegendText = $"limit {NumberFormat.Value(limit)} {unit.Symbol()}";
        }

        if (logScale)
        {
            LogTicks(plot.Axes.Left);
        }

        plot.XLabel($"offered load ({rateUnit})");
        plot.YLabel($"{BarChart.StatName(stat)} latency ({unit.Symbol()}{(logScale ? ", log scale" : "")})");
        plot.ShowLegend(Alignment.UpperLeft);
        Save(plot, path, width, height);
    }

    /// <summary>The chart as grouped bars: one cluster per category, one coloured bar per series, values on top.</summary>
    /// <exception cref="InvalidDataException">The chart is malformed.</exception>
    public static void Bars(BarChart chart, string path, int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(chart);
        chart.Validate();
        using var plot = NewPlot(chart.Title);
        var n = chart.Series.Count;
        var showValues = n * chart.Categories.Count <= 24;

        // Latencies of different ops can differ a thousandfold; a log axis keeps the short bars visible. Bars
        // then rise from a floor below the smallest value, and their labels still show the real values.
        var positive = chart.Series.SelectMany(s => s.Values).OfType<double>().Where(v => v > 0).ToList();
        var logScale = positive.Count > 0 && chart.Series.SelectMany(s => s.Values).OfType<double>().All(v => v > 0)
            && positive.Max() / positive.Min() > 100;
        var floor = logScale ? Math.Floor(Math.Log10(positive.Min())) : 0;
        for (var s = 0; s < n; s++)
        {
            var series = chart.Series[s];
            var color = s_palette.GetColor(s);
            List<Bar> bars = [];
            for (var c = 0; c < chart.Categories.Count; c++)
            {
                if (series.Values[c] is not { } value)
                {
                    continue;
                }

                bars.Add(new Bar
                {
                    Position = c * (n + 1) + s,
                    Value = logScale ? Math.Log10(value) : value,
                    ValueBase = floor,
                    FillColor = color,
                    Label = showValues ? NumberFormat.Value(value) : "",
                });
            }

            var barPlot = plot.Add.Bars(bars);
            barPlot.LegendText = series.Name;
            barPlot.Color = color;
        }

        var centers = Enumerable.Range(0, chart.Categories.Count).Select(c => c * (n + 1) + (n - 1) / 2.0).ToArray();
        plot.Axes.Bottom.SetTicks(centers, [.. chart.Categories]);
        FitBottomLabels(plot, chart.Categories, width);

        if (logScale)
        {
            LogTicks(plot.Axes.Left);
        }

        plot.Axes.Margins(bottom: 0);
        plot.YLabel(logScale ? $"{chart.ValueAxis}, log scale" : chart.ValueAxis);
        plot.ShowLegend(Alignment.UpperLeft);
        Save(plot, path, width, height);
    }

    /// <summary>
    /// Each series as a line over time (steps when <see cref="TimeSeriesChart.Steps"/>), gaps where a value is
    /// missing, and each reference line dashed across the plot.
    /// </summary>
    /// <exception cref="InvalidDataException">The chart is malformed.</exception>
    public static void TimeSeries(TimeSeriesChart chart, string path, int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(chart);
        chart.Validate();
        using var plot = NewPlot(chart.Title);
        var positive = chart.Series.SelectMany(s => s.Values).OfType<double>().Concat(chart.References.Select(r => r.Value)).Where(v => v > 0).ToList();
        var log = chart.LogScale && positive.Count > 0;
        var floor = log ? positive.Min() / 2 : 0;
        double Y(double v) => log ? Log(v, floor) : v;
        for (var i = 0; i < chart.Series.Count; i++)
        {
            var series = chart.Series[i];
            var color = s_palette.GetColor(i);
            var legend = true;

            // One line per run of known values, so that a missing window leaves a gap instead of a false bridge.
            List<double> xs = [];
            List<double> ys = [];
            void Flush()
            {
                if (xs.Count == 0)
                {
                    return;
                }

                var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray(), color);
                line.LineWidth = 2;
                line.MarkerSize = xs.Count == 1 ? 5 : 0;
                if (chart.Steps)
                {
                    line.ConnectStyle = ConnectStyle.StepHorizontal;
                }

                if (legend)
                {
                    line.LegendText = series.Name;
                    legend = false;
                }

                xs.Clear();
                ys.Clear();
            }

            for (var p = 0; p < series.Seconds.Count; p++)
            {
                if (series.Values[p] is { } v && double.IsFinite(v))
                {
                    xs.Add(series.Seconds[p]);
                    ys.Add(Y(v));
                }
                else
                {
                    Flush();
                }
            }

            Flush();
        }

        foreach (var reference in chart.References)
        {
            var line = plot.Add.HorizontalLine(Y(reference.Value), 1.5f, Colors.Gray, LinePattern.Dashed);
            line.LegendText = reference.Label;
        }

        if (log)
        {
            LogTicks(plot.Axes.Left);
        }

        plot.XLabel("time (s)");
        plot.YLabel(log ? $"{chart.ValueAxis}, log scale" : chart.ValueAxis);
        plot.ShowLegend(Alignment.UpperRight);
        Save(plot, path, width, height);
    }

    /// <summary>Slants the bottom tick labels when, upright, they would not fit side by side.</summary>
    private static void FitBottomLabels(Plot plot, IReadOnlyList<string> labels, int width)
    {
        if (labels.Count == 0)
        {
            return;
        }

        var style = plot.Axes.Bottom.TickLabelStyle;
        using var paint = Paint.NewDisposablePaint();
        var widest = labels.Max(l => style.Measure(l, paint).Size.Width);

        // The data area is roughly three quarters of the figure once the axes and a colour bar are drawn.
        if (widest < 0.75 * width / labels.Count * 0.9)
        {
            return;
        }

        // Counter-clockwise with the label's end on the tick, so that each label hangs below its own column.
        const float Degrees = 35;
        style.Rotation = -Degrees;
        style.Alignment = Alignment.MiddleRight;

        // ScottPlot sizes the axis panel for upright labels; make room for the slanted ones and the axis title.
        plot.Axes.Bottom.MinimumSize = (float)(widest * Math.Sin(Degrees * Math.PI / 180)) + 40;
    }

    private static Plot NewPlot(string title)
    {
        var plot = new Plot();

        // Skia's own default face here is the first font found, often a serif; prefer DejaVu Sans when present.
        if (Fonts.GetTypeface(PreferredFont, false, false) is { FamilyName: PreferredFont })
        {
            plot.Font.Set(PreferredFont);
        }

        plot.Title(title);
        return plot;
    }

    private static void Save(Plot plot, string path, int width, int height)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        plot.SavePng(path, width, height);
    }

    private static string[] LegendNames(IReadOnlyList<LatencySeries> series)
    {
        // The system alone when it tells the series apart, else system and label.
        var distinct = series.Select(s => s.System).Distinct().Count() == series.Count;
        return [.. series.Select(s => distinct ? s.System : $"{s.System}: {s.Label}")];
    }

    private static double PositiveFloor(IReadOnlyList<LatencySeries> series, TimeUnit unit)
    {
        var positive = series
            .SelectMany(s => s.CdfOrApproximation().Select(p => TimeUnits.Convert(p.Value, s.Unit, unit)))
            .Where(v => v > 0)
            .DefaultIfEmpty(1)
            .Min();
        return positive / 2;
    }

    // A log axis draws log10 of the data; zero (a latency below the clock's resolution) sits at the floor.
    private static double Log(double value, double floor) => Math.Log10(Math.Max(value, floor));

    private static void LogTicks(IAxis axis)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = v => NumberFormat.PowerOfTen(Math.Pow(10, v)),
        };
    }
}
