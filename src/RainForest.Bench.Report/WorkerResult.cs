namespace RainForest.Bench.Report;

/// <summary>
/// The JSON document one <c>rf-bench-worker micro</c> process prints, as the harness reads it. Latencies are
/// in nanoseconds. The worker writes the same names from its own type; a test keeps the two in step.
/// </summary>
public sealed record WorkerResult
{
    /// <summary>The version of the document's shape.</summary>
    public int Version { get; init; }

    /// <summary>The op, such as <c>mmap</c>.</summary>
    public required string Op { get; init; }

    /// <summary>The worker's label, if it was given one.</summary>
    public string? Label { get; init; }

    /// <summary>Seconds measured.</summary>
    public double Seconds { get; init; }

    /// <summary>Seconds of unrecorded warm-up.</summary>
    public double WarmupSeconds { get; init; }

    /// <summary>Ops recorded.</summary>
    public long Ops { get; init; }

    /// <summary>Ops per second.</summary>
    public double OpsPerSecond { get; init; }

    /// <summary>The latency unit, <c>ns</c>.</summary>
    public string Unit { get; init; } = "ns";

    /// <summary>Exact mean latency.</summary>
    public double MeanNs { get; init; }

    /// <summary>Standard deviation.</summary>
    public double StdDevNs { get; init; }

    /// <summary>Exact minimum.</summary>
    public long MinNs { get; init; }

    /// <summary>Median.</summary>
    public long P50Ns { get; init; }

    /// <summary>90th percentile.</summary>
    public long P90Ns { get; init; }

    /// <summary>99th percentile.</summary>
    public long P99Ns { get; init; }

    /// <summary>99.9th percentile.</summary>
    public long P999Ns { get; init; }

    /// <summary>Maximum.</summary>
    public long MaxNs { get; init; }

    /// <summary>Mapping, allocation or file size in bytes.</summary>
    public long? SizeBytes { get; init; }

    /// <summary>The file used, if any.</summary>
    public string? Path { get; init; }

    /// <summary>CPU at the start of measuring.</summary>
    public int CpuAtStart { get; init; }

    /// <summary>CPU at the end of measuring.</summary>
    public int CpuAtEnd { get; init; }

    /// <summary>The allowed CPUs as a cpulist.</summary>
    public string AllowedCpus { get; init; } = "";

    /// <summary>How many CPUs were allowed.</summary>
    public int AllowedCpuCount { get; init; }

    /// <summary>The worker's pid in its own pid namespace.</summary>
    public int Pid { get; init; }

    /// <summary>The host name seen by the worker.</summary>
    public string Hostname { get; init; } = "";

    /// <summary>The kernel release.</summary>
    public string? Kernel { get; init; }

    /// <summary>The transparent huge page mode.</summary>
    public string? TransparentHugePages { get; init; }

    /// <summary>The worker's cgroup.</summary>
    public string? Cgroup { get; init; }

    /// <summary>When measuring began.</summary>
    public DateTimeOffset StartedUtc { get; init; }

    /// <summary>When measuring ended.</summary>
    public DateTimeOffset EndedUtc { get; init; }

    /// <summary>The start barrier, Unix milliseconds.</summary>
    public long? StartAtUnixMs { get; init; }

    /// <summary>How late after the barrier measuring began, in milliseconds.</summary>
    public double? StartLagMs { get; init; }

    /// <summary>The clock-read overhead included in each latency.</summary>
    public double TimerOverheadNs { get; init; }

    /// <summary>Ops clamped at the histogram's ceiling.</summary>
    public long ClampedOps { get; init; }

    /// <summary>The latency histogram (HdrHistogram V2 compressed, base64), in nanoseconds.</summary>
    public required string Histogram { get; init; }

    /// <summary>The worker's remarks.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
