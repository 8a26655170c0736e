namespace RainForest.Bench.Worker.Operations;

/// <summary>One micro-benchmark: its setup (constructor), its timed loop (<see cref="Run"/>) and its cleanup.</summary>
/// <remarks>
/// Each subclass owns its whole loop rather than exposing a per-op virtual call, so the loop body is the
/// system call and two clock reads and nothing else. File descriptors and mappings in the loop are plain
/// integers, not SafeHandles: a handle object per op would allocate, and the GC pauses that follow would show
/// up in the very tail this worker measures.
/// </remarks>
internal abstract class MicroOperation : IDisposable
{
    /// <summary>The file the op works on, when it has one, for the result.</summary>
    public string? FilePath { get; protected init; }

    /// <summary>Remarks for the result about how the op actually ran (a fallback taken, say).</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Creates the operation <paramref name="options"/> asks for, with its setup done.</summary>
    public static MicroOperation Create(MicroOptions options) => options.Op switch
    {
        MicroOp.Mmap => new MmapFileOperation(options.FilePath, options.ResolveTempDirectory(), options.SizeBytes),
        MicroOp.MmapAnon => new MmapAnonymousOperation(options.SizeBytes),
        MicroOp.Malloc => new MallocOperation(options.SizeBytes),
        MicroOp.OpenClose => new OpenCloseOperation(options.FilePath, options.ResolveTempDirectory()),
        MicroOp.PageFault => new PageFaultOperation(options.SizeBytes),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Op, "Unknown micro-benchmark."),
    };

    /// <summary>
    /// Runs ops until the Stopwatch timestamp reaches <paramref name="deadlineTicks"/>, recording each one;
    /// at least one op runs.
    /// </summary>
    public abstract void Run(long deadlineTicks, LatencyRecorder recorder);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the setup made.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>A fresh file name in <paramref name="directory"/> that no other worker uses.</summary>
    /// <remarks>
    /// Workers in different cells may share the directory while their pid namespaces reuse numbers, so the pid
    /// alone is not unique; the random part is. The <c>rf-</c> prefix marks what RainForest made.
    /// </remarks>
    protected static string FreshPath(string directory, string what) =>
        Path.Combine(directory, $"rf-bench-{Environment.ProcessId}-{what}-{Guid.NewGuid():N}");
}
