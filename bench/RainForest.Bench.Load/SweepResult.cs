namespace RainForest.Bench.Load;

/// <summary>A latency-against-load sweep: every rate run, ascending, and the knee.</summary>
public sealed record SweepResult
{
    /// <summary>The sweep's settings.</summary>
    public SweepOptions Options { get; init; } = new();

    /// <summary>The rates run, ascending.</summary>
    public IReadOnlyList<SweepPoint> Points { get; init; } = [];

    /// <summary>
    /// Index in <see cref="Points"/> of the knee: the highest rate below the first that misses the
    /// service level; -1 when even the lowest rate misses it.
    /// </summary>
    public int KneeIndex { get; init; } = -1;

    /// <summary>The knee's offered rate, or null when even the lowest rate misses the service level.</summary>
    public double? KneeRate => KneeIndex >= 0 && KneeIndex < Points.Count ? Points[KneeIndex].Rate : null;

    /// <summary>Whether every rate run met the service level, so the knee lies above the highest rate tried.</summary>
    public bool KneeAboveRange => Points.Count > 0 && KneeIndex == Points.Count - 1;
}
