using RainForest.Core;
using RainForest.Core.Elastic;

namespace RainForest.Cli.Json;

/// <summary>A policy as <c>rfm policy ls|show --json</c> prints it: durations and the SLO as typed (<c>10s</c>, <c>p99&lt;=5ms</c>).</summary>
internal sealed record PolicyView(
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
    ByteSize DonorMemoryFloor)
{
    public static PolicyView Of(ElasticPolicySpec p) => new(
        p.Taker, p.Donor, p.Kind.ToText(), p.Slo.ToString(), p.Probe.ToString(), p.ProbeRate, DurationText.Format(p.Window),
        p.Kind == PolicyKind.Threshold ? DurationText.Format(p.Lower) : null, p.Kind == PolicyKind.Threshold ? DurationText.Format(p.Upper) : null,
        p.MinCpus, p.MaxCpus, p.DonorFloor, p.MemoryStep, p.DonorMemoryFloor);
}
