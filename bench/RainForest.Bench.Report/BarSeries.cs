namespace RainForest.Bench.Report;

/// <summary>The bars of one system (or other series) in a <see cref="BarChart"/>, one per category.</summary>
/// <param name="Name">The legend entry, such as <c>cell</c>.</param>
/// <param name="Values">One value per category of the chart; null where not measured.</param>
public sealed record BarSeries(string Name, IReadOnlyList<double?> Values);
