using RainForest.Controller;
using RainForest.Core;
using RainForest.Core.Elastic;

namespace RainForest.Service.Policies;

/// <summary>
/// One controller step, as <c>GET /v1/events</c> sends it (<c>event: decision</c>) and the stats endpoint shows the latest:
/// who (the policy's taker and donor), what (the step), why (the latency that triggered it, against the SLO) and when.
/// </summary>
/// <param name="Time">When the step was applied or refused (the service's clock).</param>
/// <param name="Taker">The latency-critical subOS: the policy's name.</param>
/// <param name="Donor">The subOS that lends.</param>
/// <param name="Policy">The algorithm: <c>threshold</c> or <c>slack</c>.</param>
/// <param name="Slo">The objective, as typed (<c>p99&lt;=5ms</c>).</param>
/// <param name="SloMs">The objective's bound in milliseconds.</param>
/// <param name="Step">What it does, in short: <c>+1 cpu</c>, <c>donor quota 0.75 cpu</c>, <c>+64M memory</c>.</param>
/// <param name="Cpus">CPUs moved: positive to the taker (a lend), negative back to the donor.</param>
/// <param name="DonorQuota">The donor's new CPU quota when the step sets one.</param>
/// <param name="QuotaLifted">True when the step lifts the donor's quota.</param>
/// <param name="MemoryBytes">Memory moved: positive to the taker.</param>
/// <param name="Grows">Whether the step works for the taker (more CPUs, a tighter donor, more memory) rather than giving back.</param>
/// <param name="Latency">The latency that triggered it, as text (<c>6.2ms</c>).</param>
/// <param name="LatencyMs">The same in milliseconds.</param>
/// <param name="Reason">One line for people: what was seen against what bound (the journal's "why").</param>
/// <param name="Applied">True when the step was made; false when the supervisor refused it (nothing changed).</param>
/// <param name="Error">Why it was refused; null when applied.</param>
/// <param name="Before">What the two held before.</param>
/// <param name="After">What they hold after (the same as before when refused).</param>
public sealed record PolicyDecisionView(
    DateTimeOffset Time,
    string Taker,
    string Donor,
    string Policy,
    string Slo,
    double SloMs,
    string Step,
    int Cpus,
    double? DonorQuota,
    bool QuotaLifted,
    long MemoryBytes,
    bool Grows,
    string Latency,
    double LatencyMs,
    string Reason,
    bool Applied,
    string? Error,
    PolicyAllocationView Before,
    PolicyAllocationView After)
{
    /// <summary>The view of a step of <paramref name="spec"/>'s controller.</summary>
    public static PolicyDecisionView Of(ElasticPolicySpec spec, ElasticDecision d, ElasticAllocation before, ElasticAllocation after, string? error, DateTimeOffset time) => new(
        time, spec.Taker, spec.Donor, spec.Kind.ToText(), spec.Slo.ToString(), spec.Slo.Bound.TotalMilliseconds,
        d.Describe(), d.Cpus, d.Quota?.Cpus, d.Quota is { Cpus: null }, d.MemoryBytes, d.Grows,
        DurationText.Format(d.Trigger), d.Trigger.TotalMilliseconds, d.Reason, error is null, error,
        PolicyAllocationView.Of(before), PolicyAllocationView.Of(after));
}
