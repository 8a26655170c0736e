namespace RainForest.Supervisor.Queries;

/// <summary>What every subOS and channel ring has used, read at one moment (a metrics scrape).</summary>
/// <param name="SubOses">Every subOS in the ledger.</param>
/// <param name="Rings">Every attached member's ring of every channel.</param>
public sealed record UsageSample(IReadOnlyList<SubOsUsage> SubOses, IReadOnlyList<ChannelRingUsage> Rings);
