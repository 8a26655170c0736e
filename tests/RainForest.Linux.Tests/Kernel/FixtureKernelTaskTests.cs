using System.Diagnostics;
using System.Globalization;
using RainForest.Interop;
using RainForest.Linux.Fixtures;
using RainForest.Linux.Tests.Cgroups;

namespace RainForest.Linux.Tests.Kernel;

/// <summary>
/// How the fixture kernel vouches for the pids its groups list: only the processes a write (or
/// <see cref="FixtureKernel.PlantTask"/>) made tasks, while they run; pids no process can have as planted text; and a
/// plain-text pid any process could have refused, since a removal would signal whatever process has it.
/// </summary>
public sealed class FixtureKernelTaskTests : IDisposable
{
    private const string NoProcessCanHave = "4194400";
    private readonly TempTree _tree = new();
    private readonly FixtureKernel _kernel;
    private readonly string _group;
    private readonly TestSleepers _sleepers = new();

    public FixtureKernelTaskTests()
    {
        _kernel = new FixtureKernel(_tree.Root);
        var mount = _kernel.MountCgroup("/sys/fs/cgroup/pids", "pids");
        _group = Path.Combine(mount, "rf-test");
        _kernel.CreateDirectory(_group);
    }

    private string Procs => Path.Combine(_group, "cgroup.procs");

    [Fact]
    public void ReadText_PidPlantedAsPlainText_Refused()
    {
        File.WriteAllText(Procs, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");

        var e = Assert.Throws<InvalidOperationException>(() => _kernel.ReadText(Procs));

        Assert.Contains($"lists pid {Environment.ProcessId}, which no write through the fixture kernel", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadText_PidNoProcessCanHave_ListedAsPlanted()
    {
        File.WriteAllText(Procs, NoProcessCanHave + "\n");

        Assert.Equal(NoProcessCanHave + "\n", _kernel.ReadText(Procs));
        _kernel.RemoveDirectory(_group);
    }

    [Fact]
    public void PlantTask_ProcessInTwoGroups_ListedInBothUntilItEnds()
    {
        var other = Path.Combine(Path.GetDirectoryName(_group)!, "rf-test-evil");
        _kernel.CreateDirectory(other);
        var sleeper = Sleep();

        _kernel.PlantTask(Procs, sleeper.Id);
        _kernel.PlantTask(Path.Combine(other, "cgroup.procs"), sleeper.Id);

        var pid = sleeper.Id.ToString(CultureInfo.InvariantCulture) + "\n";
        Assert.Equal(pid, _kernel.ReadText(Procs));
        Assert.Equal(pid, _kernel.ReadText(Path.Combine(other, "cgroup.procs")));
        Assert.Equal(16, Assert.Throws<LinuxException>(() => _kernel.RemoveDirectory(_group)).Errno);

        sleeper.Kill();
        sleeper.WaitForExit();

        Assert.Equal(string.Empty, _kernel.ReadText(Procs));
        Assert.Equal(string.Empty, _kernel.ReadText(Path.Combine(other, "cgroup.procs")));
        _kernel.RemoveDirectory(_group);
    }

    [Fact]
    public void PlantTask_ProcessThatEnded_Refused()
    {
        var sleeper = Sleep();
        sleeper.Kill();
        sleeper.WaitForExit();

        Assert.Throws<InvalidOperationException>(() => _kernel.PlantTask(Procs, sleeper.Id));
        Assert.Equal(string.Empty, File.ReadAllText(Procs));
    }

    private Process Sleep() => _sleepers.Start();

    public void Dispose()
    {
        _sleepers.Dispose();

        _tree.Dispose();
    }
}
