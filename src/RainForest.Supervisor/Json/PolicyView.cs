using RainForest.Core;
using RainForest.Core.Elastic;

namespace RainForest.Supervisor.Json;

/// <summary>A policy as <c>rfm policy ls|show --json</c> prints it: durations and the SLO as typed (<c>10s</c>, <c>p99&lt;=5ms</c>).</summary>
/// <param name="Taker">The latency-critical subOS the policy grows.</param>
/// <param name="Donor">The subOS that lends it CPUs.</param>
/// <param name="Policy">The algorithm: <c>threshold</c> or <c>slack</c>.</param>
/// <param name="Slo">The objective, as typed (<c>p99&lt;=5ms</c>).</param>
/// <param name="Probe">Where latency comes from (a probe URL or a scraped histogram).</param>
/// <param name="Rate">Probe requests per second.</param>
/// <param name="Window">The measuring window.</param>
/// <param name="Lt">The threshold policy's lower bound (null for slack).</param>
/// <param name="Ut">The threshold policy's upper bound (null for slack).</param>
/// <param name="MinCpus">The fewest CPUs the taker keeps.</param>
/// <param name="MaxCpus">The most CPUs the taker may hold (null: no bound).</param>
/// <param name="DonorFloor">The fewest CPUs the donor keeps.</param>
/// <param name="MemoryStep">How much memory one memory move takes.</param>
/// <param name="DonorMemoryFloor">The least memory the donor keeps.</param>
/// <param name="IdleShare">Whether the donor also runs in the taker's idle time while the policy exists.</param>
public sealed record PolicyView(
    string Taker,
    string Donor,
    string Policy,
    string Slo,
    string Probe,
    int Rate,
    string Window,
    string? Lt,
    string? Ut,
    int MinCpus,
    int? MaxCpus,
    int DonorFloor,
    ByteSize MemoryStep,
    ByteSize DonorMemoryFloor,
    bool IdleShare)
{
    /// <summary>The view of a stored policy.</summary>
    /// <param name="p">The policy.</param>
    /// <returns>Its view.</returns>
    public static PolicyView Of(ElasticPolicySpec p) => new(
        p.Taker, p.Donor, p.Kind.ToText(), p.Slo.ToString(), p.Probe.ToString(), p.ProbeRate, DurationText.Format(p.Window),
        p.Kind == PolicyKind.Threshold ? DurationText.Format(p.Lower) : null, p.Kind == PolicyKind.Threshold ? DurationText.Format(p.Upper) : null,
        p.MinCpus, p.MaxCpus, p.DonorFloor, p.MemoryStep, p.DonorMemoryFloor, p.IdleShare);
}
