using RainForest.Controller;

namespace RainForest.Service.Policies;

/// <summary>What a policy's taker and donor held at a moment: CPUs, the donor's CPU quota, memory.</summary>
/// <param name="TakerCpus">CPUs the latency-critical subOS owned.</param>
/// <param name="DonorCpus">CPUs the donor owned (0: parked).</param>
/// <param name="DonorQuota">The donor's CPU time limit in CPUs; null for none.</param>
/// <param name="TakerMemoryBytes">The taker's memory.</param>
/// <param name="DonorMemoryBytes">The donor's memory.</param>
public sealed record PolicyAllocationView(int TakerCpus, int DonorCpus, double? DonorQuota, long TakerMemoryBytes, long DonorMemoryBytes)
{
    /// <summary>The view of an allocation the controller reported.</summary>
    public static PolicyAllocationView Of(ElasticAllocation a) => new(a.TakerCpus, a.DonorCpus, a.DonorQuota, a.TakerMemory, a.DonorMemory);
}
