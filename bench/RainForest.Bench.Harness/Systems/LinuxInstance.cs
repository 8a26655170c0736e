using RainForest.Bench.Harness.Programs;
using RainForest.Core;

namespace RainForest.Bench.Harness.Systems;

/// <summary>A set of host processes: runs programs directly, in the host's network namespace.</summary>
internal sealed class LinuxInstance : BenchInstance
{
    private readonly string _scratch;

    /// <summary>Creates the instance over its scratch directory (already made).</summary>
    public LinuxInstance(string name, int cpuCount, CpuSet online, string scratch)
        : base(SystemNames.Linux, name, cpuCount, online)
    {
        _scratch = scratch;
    }

    /// <inheritdoc />
    public override int NetworkNamespacePid => Environment.ProcessId;

    /// <inheritdoc />
    public override string ScratchDirectory => _scratch;

    /// <inheritdoc />
    public override RunningProgram Start(ProgramSpec spec) => HostProcess.Start(spec, []);
}
