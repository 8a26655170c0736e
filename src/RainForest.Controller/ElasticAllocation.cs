namespace RainForest.Controller;

/// <summary>What the taker and the donor of one policy hold now, as the actuator reports it.</summary>
/// <param name="TakerCpus">CPUs the latency-critical subOS owns.</param>
/// <param name="DonorCpus">CPUs the donor owns (0: parked).</param>
/// <param name="DonorQuota">The donor's CPU bandwidth limit in CPUs (0.5 = half a CPU's time); null for none.</param>
/// <param name="TakerMemory">The taker's memory in bytes.</param>
/// <param name="DonorMemory">The donor's memory in bytes.</param>
public readonly record struct ElasticAllocation(int TakerCpus, int DonorCpus, double? DonorQuota, long TakerMemory, long DonorMemory)
{
    /// <summary>The CPU time the donor can use, in CPUs: its CPUs, or its quota when that is lower.</summary>
    public double DonorEffectiveCpus => DonorQuota is { } q ? Math.Min(q, DonorCpus) : DonorCpus;

    /// <summary>This allocation after <paramref name="decision"/>.</summary>
    public ElasticAllocation After(ElasticDecision decision) => this with
    {
        TakerCpus = TakerCpus + decision.Cpus,
        DonorCpus = DonorCpus - decision.Cpus,
        DonorQuota = decision.Quota is { } change ? change.Cpus : DonorQuota,
        TakerMemory = TakerMemory + decision.MemoryBytes,
        DonorMemory = DonorMemory - decision.MemoryBytes,
    };
}
