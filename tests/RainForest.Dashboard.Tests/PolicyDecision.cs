namespace RainForest.Dashboard.Tests;

/// <summary>A decision as a controller might post it: the page shows a decision's scalar fields, whatever they are.</summary>
/// <param name="Policy">The policy (its LC subOS).</param>
/// <param name="Step">What it did.</param>
/// <param name="TriggerMs">The latency that triggered it.</param>
public sealed record PolicyDecision(string Policy, string Step, double TriggerMs);
