using System.Text.Encodings.Web;
using System.Text.Json;

namespace RainForest.Bench.Contracts;

/// <summary>
/// What one <c>rf-bench-worker micro</c> process measured: the JSON document it prints and the harness reads.
/// All latencies are in nanoseconds; the histogram holds every recorded op so that the harness can merge N
/// workers into one distribution.
/// </summary>
public sealed record MicroResult
{
    /// <summary>The version of this document's shape.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The version of this document's shape, <see cref="CurrentVersion"/>.</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>The op's name, such as <c>mmap</c> (the worker's <c>--op</c>).</summary>
    public required string Op { get; init; }

    /// <summary>The label passed with <c>--label</c>, if any.</summary>
    public string? Label { get; init; }

    /// <summary>Seconds actually measured (from the first op's start to the last op's end).</summary>
    public double Seconds { get; init; }

    /// <summary>Seconds of unrecorded warm-up before measuring.</summary>
    public double WarmupSeconds { get; init; }

    /// <summary>Ops recorded.</summary>
    public long Ops { get; init; }

    /// <summary><see cref="Ops"/> divided by <see cref="Seconds"/>.</summary>
    public double OpsPerSecond { get; init; }

    /// <summary>The unit of every latency here and in the histogram: always <c>ns</c>.</summary>
    public string Unit { get; init; } = "ns";

    /// <summary>Exact mean latency.</summary>
    public double MeanNs { get; init; }

    /// <summary>Standard deviation, from the histogram.</summary>
    public double StdDevNs { get; init; }

    /// <summary>Exact minimum latency.</summary>
    public long MinNs { get; init; }

    /// <summary>Median, from the histogram (within 0.1%).</summary>
    public long P50Ns { get; init; }

    /// <summary>90th percentile, from the histogram.</summary>
    public long P90Ns { get; init; }

    /// <summary>99th percentile, from the histogram.</summary>
    public long P99Ns { get; init; }

    /// <summary>99.9th percentile, from the histogram.</summary>
    public long P999Ns { get; init; }

    /// <summary>Maximum, from the histogram (within 0.1%, and never below any percentile).</summary>
    public long MaxNs { get; init; }

    /// <summary>Size of the mapping, allocation or file in bytes; null for openclose.</summary>
    public long? SizeBytes { get; init; }

    /// <summary>The file used (already unlinked when the worker made it), or null.</summary>
    public string? Path { get; init; }

    /// <summary>The CPU the process ran on when measuring began.</summary>
    public int CpuAtStart { get; init; }

    /// <summary>The CPU the process ran on when measuring ended.</summary>
    public int CpuAtEnd { get; init; }

    /// <summary>The CPUs the process was allowed to run on, as a kernel cpulist (<c>0-3,8</c>).</summary>
    public required string AllowedCpus { get; init; }

    /// <summary>How many CPUs <see cref="AllowedCpus"/> holds.</summary>
    public int AllowedCpuCount { get; init; }

    /// <summary>The process id, as seen in the worker's own pid namespace.</summary>
    public int Pid { get; init; }

    /// <summary>The host name, as seen in the worker's own UTS namespace.</summary>
    public required string Hostname { get; init; }

    /// <summary>The kernel release (<c>/proc/sys/kernel/osrelease</c>).</summary>
    public string? Kernel { get; init; }

    /// <summary>
    /// The host's transparent huge page mode (<c>always</c>, <c>madvise</c> or <c>never</c>), or null where
    /// unknown. With <c>always</c>, malloc's first write to a fresh 128 MB block faults in a 2 MB page.
    /// </summary>
    public string? TransparentHugePages { get; init; }

    /// <summary>The process's cgroup (<c>/proc/self/cgroup</c>, lines joined by <c>;</c>).</summary>
    public string? Cgroup { get; init; }

    /// <summary>When measuring began.</summary>
    public DateTimeOffset StartedUtc { get; init; }

    /// <summary>When measuring ended.</summary>
    public DateTimeOffset EndedUtc { get; init; }

    /// <summary>The start barrier asked for with <c>--start-at</c>, in Unix milliseconds, or null.</summary>
    public long? StartAtUnixMs { get; init; }

    /// <summary>How late measuring began after the barrier, in milliseconds (negative never happens).</summary>
    public double? StartLagMs { get; init; }

    /// <summary>The median cost of the two clock reads that bracket every op; part of each latency.</summary>
    public double TimerOverheadNs { get; init; }

    /// <summary>Ops longer than the histogram's 100 s ceiling, counted at the ceiling.</summary>
    public long ClampedOps { get; init; }

    /// <summary>The latency histogram (<see cref="HistogramCodec"/>); values in nanoseconds.</summary>
    public required string Histogram { get; init; }

    /// <summary>Remarks about how the run went (a fallback taken, say).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    // Relaxed escaping keeps the base64 histogram readable ('+' rather than \u002B); the output is never
    // embedded in HTML.
    private static readonly ContractsJsonContext s_json = new(new JsonSerializerOptions(ContractsJsonContext.Default.Options)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>The JSON document the worker prints (camelCase names, indented).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, s_json.MicroResult);

    /// <summary>Reads a document written by <see cref="ToJson"/> (comments and trailing commas are allowed).</summary>
    /// <exception cref="JsonException">The text is not such a document.</exception>
    public static MicroResult FromJson(string json) =>
        JsonSerializer.Deserialize(json, s_json.MicroResult)
        ?? throw new JsonException("The document is null.");
}
