using System.Globalization;
using RainForest.Bench.Harness.Programs;
using RainForest.Core;

namespace RainForest.Bench.Harness.Systems;

/// <summary>
/// One OS instance of a system under test, in the paper's sense: a subOS, an LXC container, or (on plain
/// Linux) a set of processes that the kernel schedules anywhere.
/// </summary>
internal abstract class BenchInstance : IDisposable
{
    /// <summary>Creates the instance's description.</summary>
    protected BenchInstance(string system, string name, int cpuCount, CpuSet cpus)
    {
        System = system;
        Name = name;
        CpuCount = cpuCount;
        Cpus = cpus;
    }

    /// <summary>The system's name.</summary>
    public string System { get; }

    /// <summary>The instance's name.</summary>
    public string Name { get; }

    /// <summary>
    /// How many CPUs' worth of work the instance runs: its workloads start this many workers or threads. On plain
    /// Linux this is the share the instance would have had; its processes may run on every CPU.
    /// </summary>
    public int CpuCount { get; }

    /// <summary>The CPUs its programs may run on.</summary>
    public CpuSet Cpus { get; }

    /// <summary>A process (host pid) in the instance's network namespace; this process on plain Linux.</summary>
    public abstract int NetworkNamespacePid { get; }

    /// <summary>A directory on tmpfs that the instance's programs may fill, as they see it.</summary>
    public abstract string ScratchDirectory { get; }

    /// <summary>
    /// The prefix that runs a host program in the instance's network namespace (and nowhere else in it): empty on
    /// plain Linux, else <c>nsenter -t PID -n --</c>. The program keeps the host's CPUs and cgroups.
    /// </summary>
    public IReadOnlyList<string> HostNetworkPrefix => NetworkNamespacePid == Environment.ProcessId
        ? []
        : ["nsenter", "-t", NetworkNamespacePid.ToString(CultureInfo.InvariantCulture), "-n", "--"];

    /// <summary>Starts a program inside the instance.</summary>
    public abstract RunningProgram Start(ProgramSpec spec);

    /// <summary>Runs a program inside the instance to its end; cancelling stops it.</summary>
    public Task<ProgramResult> RunAsync(ProgramSpec spec, CancellationToken cancellationToken) => Start(spec).WaitAsync(cancellationToken);

    /// <summary>Starts a program on the host, in the instance's network namespace (a client of a server inside).</summary>
    public RunningProgram StartInNetwork(ProgramSpec spec) => HostProcess.Start(spec, HostNetworkPrefix);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Removes what the instance made.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
