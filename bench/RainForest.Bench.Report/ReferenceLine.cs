namespace RainForest.Bench.Report;

/// <summary>A horizontal line across a <see cref="TimeSeriesChart"/>, such as <c>SLO 5 ms</c>.</summary>
/// <param name="Label">The legend entry.</param>
/// <param name="Value">Where it lies on the value axis.</param>
public sealed record ReferenceLine(string Label, double Value);
