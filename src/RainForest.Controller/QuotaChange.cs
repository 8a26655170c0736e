namespace RainForest.Controller;

/// <summary>A new CPU bandwidth limit for the donor.</summary>
/// <param name="Cpus">The limit in CPUs (cpu.max quota / period); null lifts the limit.</param>
public sealed record QuotaChange(double? Cpus);
