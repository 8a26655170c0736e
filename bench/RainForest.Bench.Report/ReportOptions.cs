namespace RainForest.Bench.Report;

/// <summary>Settings of <see cref="ReportWriter"/>.</summary>
public sealed record ReportOptions
{
    /// <summary>The report's top heading.</summary>
    public string Title { get; init; } = "RainForest benchmark report";

    /// <summary>The folder, under the output directory, that receives the PNGs.</summary>
    public string PlotDirectoryName { get; init; } = "plots";

    /// <summary>Plot width in pixels.</summary>
    public int PlotWidth { get; init; } = Plots.BenchPlots.DefaultWidth;

    /// <summary>Plot height in pixels.</summary>
    public int PlotHeight { get; init; } = Plots.BenchPlots.DefaultHeight;

    /// <summary>When the report was made; null takes the current time. Tests fix it.</summary>
    public DateTimeOffset? GeneratedUtc { get; init; }

    /// <summary>The tail-latency limit drawn on load curves and used for "max rate within limit", in each curve's unit.</summary>
    public double? LatencyLimit { get; init; }
}
