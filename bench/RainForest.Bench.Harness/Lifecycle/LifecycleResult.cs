namespace RainForest.Bench.Harness.Lifecycle;

/// <summary>One measured operation of the lifecycle benchmark, next to the paper's Table 4.</summary>
/// <param name="Operation">What was measured.</param>
/// <param name="Samples">How many repetitions.</param>
/// <param name="MedianMs">Median in milliseconds.</param>
/// <param name="P99Ms">99th percentile in milliseconds.</param>
/// <param name="MaxMs">Maximum in milliseconds.</param>
/// <param name="PaperRainForestMs">RainForest's value in the paper (Table 4), if it gives one.</param>
/// <param name="PaperLxcMs">LXC's value in the paper, if it gives one.</param>
/// <param name="TargetMs">This project's target on its 2-core machine.</param>
/// <param name="Note">How it was measured, or why it was skipped.</param>
/// <param name="System">The backend measured: <c>cell</c>, or <c>kernel (TCG)</c> / <c>kernel (KVM)</c>.</param>
public sealed record LifecycleResult(string Operation, int Samples, double MedianMs, double P99Ms, double MaxMs, double? PaperRainForestMs, double? PaperLxcMs, double? TargetMs, string Note,
    string System = SystemNames.Cell);
