namespace RainForest.Bench.Report;

/// <summary>
/// Values over time, one line per series, with optional horizontal reference lines (a service level and its
/// band): the paper's Fig. 10 (tail latency per window) and Fig. 11 (CPUs owned over time).
/// </summary>
public sealed record TimeSeriesChart
{
    /// <summary>The plot's title.</summary>
    public required string Title { get; init; }

    /// <summary>The y axis title, unit included, such as <c>p99 latency (ms)</c>.</summary>
    public required string ValueAxis { get; init; }

    /// <summary>The lines.</summary>
    public required IReadOnlyList<TimeSeries> Series { get; init; }

    /// <summary>Horizontal reference lines, such as the SLO; drawn dashed.</summary>
    public IReadOnlyList<ReferenceLine> References { get; init; } = [];

    /// <summary>Draws each line as steps (a value holds until the next), as for CPU counts; else points joined by straight lines.</summary>
    public bool Steps { get; init; }

    /// <summary>A logarithmic value axis (latencies that span orders of magnitude).</summary>
    public bool LogScale { get; init; }

    /// <summary>Throws when a series does not have one value per time, or its times do not ascend.</summary>
    /// <exception cref="InvalidDataException">A series is malformed.</exception>
    public void Validate()
    {
        foreach (var s in Series)
        {
            if (s.Values.Count != s.Seconds.Count)
            {
                throw new InvalidDataException($"Time series chart '{Title}' series {s.Name} has {s.Values.Count} values for {s.Seconds.Count} times.");
            }

            for (var i = 1; i < s.Seconds.Count; i++)
            {
                if (s.Seconds[i] < s.Seconds[i - 1])
                {
                    throw new InvalidDataException($"Time series chart '{Title}' series {s.Name}: times do not ascend at point {i + 1}.");
                }
            }
        }
    }
}
