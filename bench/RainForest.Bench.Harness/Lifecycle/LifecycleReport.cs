using RainForest.Bench.Report;

namespace RainForest.Bench.Harness.Lifecycle;

/// <summary>What <c>rfm bench lifecycle</c> measured on the state directory's supervisor: its <c>--json</c> document.</summary>
public sealed record LifecycleReport
{
    /// <summary>The experiment's name, <c>lifecycle</c>.</summary>
    public string Experiment { get; init; } = "lifecycle";

    /// <summary>Repetitions of each operation.</summary>
    public int Repetitions { get; init; }

    /// <summary>The host name.</summary>
    public required string Machine { get; init; }

    /// <summary>The cgroup mode: v1, hybrid or v2.</summary>
    public required string Cgroup { get; init; }

    /// <summary>One row per measured operation of the cells.</summary>
    public required IReadOnlyList<LifecycleResult> Results { get; init; }

    /// <summary>LXC's create and destroy in the same run; empty when not measured (<see cref="LxcNotMeasured"/> says why).</summary>
    public IReadOnlyList<TableRow> Lxc { get; init; } = [];

    /// <summary>Why LXC was not measured, or null when it was.</summary>
    public string? LxcNotMeasured { get; init; }
}
