using RainForest.Core;
using RainForest.Interop;
using RainForest.Linux.Cgroups;

namespace RainForest.Supervisor.Tests.Unit;

/// <summary>
/// The supervisor's boundary turns what the kernel refused (a <see cref="LinuxException"/> from the Linux
/// layer) into the user's one line with exit code 1, the message unchanged; on fixture cgroup trees.
/// </summary>
public sealed class KernelRefusalTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly RainForestSupervisor _supervisor;
    private readonly string _prefixGroup;

    public KernelRefusalTests()
    {
        var state = new StateDirectory(_root.PathTo("state"));
        var mounts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var controller in new[] { "cpuset", "memory", "pids" })
        {
            mounts[controller] = _root.PathTo("cgroup/" + controller);
            Directory.CreateDirectory(mounts[controller]);
        }

        _prefixGroup = Path.Combine(mounts["cpuset"], state.Prefix);
        _supervisor = RainForestSupervisor.Open(state, HostRoot(), new CgroupLayout(CgroupMode.V1, mounts, null));
        _supervisor.Init(new InitOptions { ReserveCpus = CpuSet.Parse("0"), ReserveMemory = ByteSize.FromMiB(512) });
    }

    /// <summary>
    /// A host root of its own: the machine fixture's sysfs, and a copy of its procfs without the IRQ files, so
    /// that nothing a failing test reaches can write into the repository's fixture.
    /// </summary>
    private string HostRoot()
    {
        var machine = TestLedger.MachinePath("this-vm");
        var host = _root.PathTo("host");
        Directory.CreateDirectory(host);
        Directory.CreateSymbolicLink(Path.Combine(host, "sys"), Path.Combine(machine, "sys"));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(machine, "proc"), "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(machine, file);
            if (!relative.StartsWith("proc/irq/", StringComparison.Ordinal))
            {
                _root.Write(Path.Combine("host", relative), File.ReadAllText(file));
            }
        }

        return host;
    }

    public void Dispose()
    {
        _supervisor.Dispose();
        _root.Dispose();
    }

    [Fact]
    public void Init_CgroupWriteRefused_FailsWithExitCode1AndTheDriversMessage()
    {
        // A directory where the prefix group's cpuset.mems should be: the write fails as a kernel refusal would.
        var file = Path.Combine(_prefixGroup, "cpuset.mems");
        Directory.CreateDirectory(file);

        var e = Assert.Throws<RfException>(() =>
            _supervisor.Init(new InitOptions { ReserveCpus = CpuSet.Parse("0"), ReserveMemory = ByteSize.FromMiB(512), ConfineHost = true }));

        Assert.Equal(RfException.FailureExitCode, e.ExitCode);
        Assert.StartsWith($"cannot write '0' to {file}: ", e.Message, StringComparison.Ordinal);
        var cause = Assert.IsType<LinuxException>(e.InnerException);
        Assert.Equal(cause.Message, e.Message);
    }
}
