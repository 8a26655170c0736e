using RainForest.Core;

namespace RainForest.Bench.Harness.Systems;

/// <summary>
/// Plain Linux: no partitioning. An "instance" is a set of processes started on the host, not pinned and
/// without limits, which the kernel schedules on every CPU, as in the paper's Linux runs.
/// </summary>
internal sealed class LinuxSystem : BenchSystem
{
    private readonly string _scratchRoot;
    private readonly CpuSet _online = HostCpus.Online();

    /// <summary>Creates the system; its scratch files go under <c>/dev/shm/rf-bench-RUN</c>.</summary>
    public LinuxSystem(string runId)
    {
        _scratchRoot = Path.Combine("/dev/shm", $"rf-bench-{runId}");
    }

    /// <inheritdoc />
    public override string Name => SystemNames.Linux;

    /// <inheritdoc />
    public override string Description =>
        $"linux: the same programs started directly on the host, not pinned, without memory limits, in the host's namespaces; " +
        $"scratch files on the host's /dev/shm (tmpfs); {_online.Count} online CPUs ({_online}).";

    /// <inheritdoc />
    public override int PartitionableCpus => _online.Count;

    /// <inheritdoc />
    protected override BenchInstance Make(string name, int cpuCount, ByteSize memory)
    {
        var scratch = Path.Combine(_scratchRoot, name);
        Directory.CreateDirectory(scratch);
        return new LinuxInstance(name, cpuCount, _online, scratch);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        try
        {
            base.Dispose(disposing);
        }
        finally
        {
            if (disposing && Directory.Exists(_scratchRoot))
            {
                Directory.Delete(_scratchRoot, recursive: true);
            }
        }
    }
}
