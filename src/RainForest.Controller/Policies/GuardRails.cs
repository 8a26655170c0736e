using RainForest.Core.Elastic;

namespace RainForest.Controller.Policies;

/// <summary>How far a policy may move CPUs without breaking its guard rails (taker min/max, donor floor).</summary>
public static class GuardRails
{
    /// <summary>CPUs that may still move from the donor to the taker.</summary>
    public static int Growable(ElasticPolicySpec spec, ElasticAllocation current) =>
        Math.Max(0, Math.Min(current.DonorCpus - spec.DonorFloor, (spec.MaxCpus ?? int.MaxValue) - current.TakerCpus));

    /// <summary>CPUs that may go back from the taker to the donor.</summary>
    public static int Shrinkable(ElasticPolicySpec spec, ElasticAllocation current) =>
        Math.Max(0, current.TakerCpus - spec.MinCpus);

    /// <summary>Whether <paramref name="decision"/> keeps every rail; a CPU given back is always allowed while the taker stays at its minimum or above.</summary>
    public static bool Allows(ElasticPolicySpec spec, ElasticAllocation current, ElasticDecision decision) =>
        decision.Cpus switch
        {
            > 0 => decision.Cpus <= Growable(spec, current),
            < 0 => -decision.Cpus <= Shrinkable(spec, current),
            _ => true,
        }
        && (decision.MemoryBytes <= 0 || current.DonorMemory - decision.MemoryBytes >= spec.DonorMemoryFloor.Bytes);
}
