namespace RainForest.Bench.Harness.Interference;

/// <summary>What a stressor run measured, or why it measured nothing.</summary>
/// <param name="Value">Its throughput in the stressor's unit; null when it failed.</param>
/// <param name="Failure">Why there is no value; null when there is one.</param>
internal sealed record StressorOutcome(double? Value, string? Failure);
