namespace RainForest.Bench.Report;

/// <summary>One line of a <see cref="TimeSeriesChart"/>: values at points in time, such as one system's p99 per window.</summary>
/// <param name="Name">The legend entry, such as <c>slack</c>.</param>
/// <param name="Seconds">The times, seconds from the start, ascending.</param>
/// <param name="Values">One value per time; null where nothing was measured (a gap in the line).</param>
public sealed record TimeSeries(string Name, IReadOnlyList<double> Seconds, IReadOnlyList<double?> Values);
