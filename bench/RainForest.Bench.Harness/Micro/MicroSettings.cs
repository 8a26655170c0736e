using RainForest.Bench.Report;
using RainForest.Core;

namespace RainForest.Bench.Harness.Micro;

/// <summary>What the micro-benchmark experiment runs, by mode.</summary>
/// <param name="Ops">rf-bench-worker ops, in order.</param>
/// <param name="Duration">Measured time of each op on each system.</param>
/// <param name="Warmup">Unrecorded time before it.</param>
/// <param name="Workers">Worker processes, each in an instance of one CPU (on plain Linux: not pinned).</param>
/// <param name="Size">Mapping, allocation or file size.</param>
internal sealed record MicroSettings(IReadOnlyList<string> Ops, TimeSpan Duration, TimeSpan Warmup, int Workers, string Size)
{
    /// <summary>The ops run by default: will-it-scale's mmap2, malloc1, open1 and page_fault1.</summary>
    public static IReadOnlyList<string> DefaultOps { get; } = ["mmap", "malloc", "openclose", "pagefault"];

    /// <summary>Every op the worker knows.</summary>
    public static IReadOnlyList<string> KnownOps { get; } = ["mmap", "mmap-anon", "malloc", "openclose", "pagefault"];

    /// <summary>Memory of each instance: the 128 MB region, the .NET runtime of the worker, and room.</summary>
    public static ByteSize InstanceMemory { get; } = ByteSize.FromMiB(1024);

    /// <summary>The settings for <paramref name="options"/> on a machine whose systems can partition <paramref name="cpus"/> CPUs.</summary>
    /// <exception cref="RfException">An unknown op or a bad worker count.</exception>
    public static MicroSettings For(BenchOptions options, int cpus)
    {
        // Smoke: the two ops that use the instance's scratch directory; the others differ only inside the worker.
        var ops = options.Workloads ?? (options.Mode == BenchMode.Smoke ? ["mmap", "openclose"] : DefaultOps);
        foreach (var op in ops)
        {
            if (!KnownOps.Contains(op))
            {
                throw RfException.Invalid($"unknown micro-benchmark '{op}' (expected {string.Join(", ", KnownOps)})");
            }
        }

        var workers = options.Workers ?? Math.Min(cpus, 8);
        if (workers < 1 || workers > cpus)
        {
            throw RfException.Invalid($"--workers {workers}: each worker gets an instance of one CPU, and {cpus} CPUs can be partitioned");
        }

        var (duration, warmup) = options.Mode switch
        {
            BenchMode.Smoke => (TimeSpan.FromSeconds(0.3), TimeSpan.FromSeconds(0.1)),
            BenchMode.Quick => (TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(0.5)),
            _ => (TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(2)),
        };
        return new MicroSettings(ops, options.Duration ?? duration, warmup, workers, "128M");
    }
}
