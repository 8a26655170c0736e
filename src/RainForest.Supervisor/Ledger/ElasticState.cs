using RainForest.Core;

namespace RainForest.Supervisor.Ledger;

/// <summary>What the elastic controller changed about a subOS beyond its CPUs and memory.</summary>
/// <param name="ParkedCpus">
/// For a donor lent down to no CPU: the CPUs its kernel cpuset still names (a cpuset cannot be empty) while its
/// processes are frozen; null when it is not parked.
/// </param>
/// <param name="CpuQuota">Its CPU bandwidth limit in CPUs; null for none.</param>
/// <param name="IdleOn">
/// The subOS in whose idle time it also runs (<c>rfm lend LENDER BORROWER --idle</c>): the lender's CPUs stay the
/// lender's, they join this subOS's kernel cpuset, and this subOS's processes run in the scheduler's idle class; null
/// for none.
/// </param>
public sealed record ElasticState(CpuSet? ParkedCpus, double? CpuQuota, string? IdleOn = null)
{
    /// <summary>Neither parked nor limited.</summary>
    public static ElasticState None { get; } = new(null, null);

    /// <summary>Whether it is parked (frozen, owning no CPU).</summary>
    public bool Parked => ParkedCpus is not null;
}
