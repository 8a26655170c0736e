namespace RainForest.Supervisor.Json;

/// <summary>What <c>rfm destroy --json</c> prints.</summary>
/// <param name="Destroyed">The subOSes destroyed, in order.</param>
public sealed record DestroySummary(IReadOnlyList<string> Destroyed);
