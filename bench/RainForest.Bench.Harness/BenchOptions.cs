using RainForest.Bench.Report;

namespace RainForest.Bench.Harness;

/// <summary>What one <c>rfm bench</c> experiment runs: how thoroughly, on which systems, and overrides of its defaults.</summary>
public sealed record BenchOptions
{
    /// <summary>Smoke (seconds, for CI), quick (minutes) or full (the default).</summary>
    public BenchMode Mode { get; init; } = BenchMode.Full;

    /// <summary>The systems to compare (<see cref="SystemNames"/>); null for linux, cell, and lxc where it is installed.</summary>
    public IReadOnlyList<string>? Systems { get; init; }

    /// <summary>Install missing Debian packages with apt-get (as root), saying which.</summary>
    public bool Install { get; init; } = true;

    /// <summary>The command line, recorded in the results.</summary>
    public string? CommandLine { get; init; }

    /// <summary>Overrides the length of each measurement (a micro-benchmark, a foreground stressor, a load run).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Overrides the workloads: micro-benchmark ops, interference stressors or colocation batches, by name.</summary>
    public IReadOnlyList<string>? Workloads { get; init; }

    /// <summary>Overrides the colocation experiment's offered load, requests per second.</summary>
    public double? Rate { get; init; }

    /// <summary>Overrides how many workers (one instance each) the micro-benchmarks run.</summary>
    public int? Workers { get; init; }

    /// <summary>Overrides the lifecycle benchmark's repetitions.</summary>
    public int? Repetitions { get; init; }

    /// <summary>The agility experiment's rounds: every system runs once per round, in an order rotated each round; null for one.</summary>
    public int? Rounds { get; init; }

    /// <summary>The agility experiment's load trace (a file); null for the default trace.</summary>
    public string? TracePath { get; init; }

    /// <summary>The agility experiment's batch jobs (a file); null for the default list.</summary>
    public string? JobsPath { get; init; }

    /// <summary>The agility experiment's service level, p99 milliseconds; null for the default.</summary>
    public double? SloMs { get; init; }

    /// <summary>The CPUs the LC subOS starts with (and keeps under the static partition); null for half.</summary>
    public int? LcCpus { get; init; }

    /// <summary>Run the agility experiment's policies against the simulated model instead of this machine.</summary>
    public bool Simulate { get; init; }

    /// <summary>The simulated machine's cores (with <see cref="Simulate"/>).</summary>
    public int? Cores { get; init; }
}
