using RainForest.Core;

namespace RainForest.Supervisor.Ledger;

/// <summary>CPUs a donor lent to a taker and has not had back: the paper's borrowing record.</summary>
/// <param name="Id">The loan's number.</param>
/// <param name="Donor">Who lent.</param>
/// <param name="Taker">Who borrowed.</param>
/// <param name="Cpus">The CPUs lent (they go back to the donor on reclaim).</param>
/// <param name="Reason">Why: the latency that triggered it, or "by hand".</param>
/// <param name="Created">When.</param>
/// <param name="Expires">When the loan ends by itself (<c>rfm lend --for</c>); null for a loan that lasts until reclaimed.</param>
public sealed record LoanRecord(long Id, string Donor, string Taker, CpuSet Cpus, string Reason, DateTimeOffset Created, DateTimeOffset? Expires);
