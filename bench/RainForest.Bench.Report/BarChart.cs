namespace RainForest.Bench.Report;

/// <summary>A grouped bar chart: for each category (scenario), one bar per series (system).</summary>
public sealed record BarChart
{
    /// <summary>The plot's title.</summary>
    public required string Title { get; init; }

    /// <summary>The y axis title, unit included, such as <c>p99 latency (µs)</c>.</summary>
    public required string ValueAxis { get; init; }

    /// <summary>The groups along the x axis, such as the benchmarks.</summary>
    public required IReadOnlyList<string> Categories { get; init; }

    /// <summary>One series per system; each has one value per category.</summary>
    public required IReadOnlyList<BarSeries> Series { get; init; }

    /// <summary>
    /// A chart of <paramref name="stat"/> for each group (category) and system (series) of
    /// <paramref name="latencies"/>, converted to <paramref name="unit"/>; a series without a value for a group
    /// leaves a gap. When a group holds several series of one system, the first is used.
    /// </summary>
    public static BarChart FromLatencies(string title, IEnumerable<LatencySeries> latencies, LatencyStat stat, TimeUnit unit)
    {
        ArgumentNullException.ThrowIfNull(latencies);
        var list = latencies.ToList();
        var categories = list.Select(s => s.Group ?? s.Label).Distinct().ToList();
        var systems = list.Select(s => s.System).Distinct().ToList();
        var series = systems.Select(system => new BarSeries(
            system,
            [.. categories.Select(category => list.FirstOrDefault(s => s.System == system && (s.Group ?? s.Label) == category) is { } found
                ? TimeUnits.Convert(found.Get(stat), found.Unit, unit)
                : (double?)null)])).ToList();
        return new BarChart
        {
            Title = title,
            ValueAxis = $"{StatName(stat)} latency ({unit.Symbol()})",
            Categories = categories,
            Series = series,
        };
    }

    /// <summary>Throws when a series does not have one value per category.</summary>
    /// <exception cref="InvalidDataException">A series has the wrong number of values.</exception>
    public void Validate()
    {
        foreach (var s in Series)
        {
            if (s.Values.Count != Categories.Count)
            {
                throw new InvalidDataException($"Bar chart '{Title}' series {s.Name} has {s.Values.Count} values for {Categories.Count} categories.");
            }
        }
    }

    /// <summary>The name used in titles: mean, p50, p90, p99, p99.9 or max.</summary>
    public static string StatName(LatencyStat stat) => stat switch
    {
        LatencyStat.Mean => "mean",
        LatencyStat.P50 => "p50",
        LatencyStat.P90 => "p90",
        LatencyStat.P99 => "p99",
        LatencyStat.P999 => "p99.9",
        LatencyStat.Max => "max",
        _ => throw new ArgumentOutOfRangeException(nameof(stat), stat, "Unknown statistic."),
    };
}
