namespace RainForest.Bench.Report;

/// <summary>What <see cref="ReportWriter"/> wrote.</summary>
/// <param name="MarkdownPath">The full path of report.md.</param>
/// <param name="PlotPaths">The full paths of the PNGs, in the order the report shows them.</param>
public sealed record ReportOutput(string MarkdownPath, IReadOnlyList<string> PlotPaths);
