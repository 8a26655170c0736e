using System.Diagnostics;
using System.Globalization;
using RainForest.Interop;
using RainForest.Linux.Fixtures;
using RainForest.Linux.Kernel;
using RainForest.Linux.Security;

namespace RainForest.Linux.Tests.Kernel;

/// <summary>
/// The kernel behaviours RainForest's code relies on, run against every <see cref="KernelFiles"/>: the fixture kernel
/// always, and the running kernel when this process is root with cgroup v1 <c>pids</c> and <c>cpuset</c> hierarchies
/// (as on CI). On the kernel it works only in groups of its own (<c>rf-kfstest-*</c>), moves only the sleep processes
/// it starts, and removes what it made; so the fixture is checked against what it stands in for.
/// </summary>
[Trait("Category", "Integration")]
public sealed class KernelBehaviourTests : IDisposable
{
    private const string CgroupRoot = "/sys/fs/cgroup";
    private readonly string _name = "rf-kfstest-" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 4));
    private readonly TestSleepers _sleepers = new();
    private readonly List<string> _made = [];
    private string? _scratch;
    private KernelFiles _kernel = KernelFiles.Host;

    /// <summary>"fixture", and "host" where the running kernel can be used.</summary>
    public static TheoryData<string> Kernels => HostUsable() ? ["fixture", "host"] : ["fixture"];

    /// <summary>The same, where the running kernel also has cgroup2 at /sys/fs/cgroup/unified with cgroup.kill.</summary>
    public static TheoryData<string> KernelsWithCgroup2 =>
        HostUsable() && Mounted($"{CgroupRoot}/unified", "cgroup2") && File.Exists($"{CgroupRoot}/unified/cgroup.kill") ? ["fixture", "host"] : ["fixture"];

    private static bool HostUsable() =>
        Mounted($"{CgroupRoot}/pids", "cgroup") && Mounted($"{CgroupRoot}/cpuset", "cgroup")
        && ProcessSecurity.Read(Environment.ProcessId)?.Effective.Contains(Capability.SysAdmin) == true;

    private static bool Mounted(string path, string type) =>
        File.ReadLines("/proc/self/mounts").Select(l => l.Split(' ')).Any(f => f.Length > 2 && f[1] == path && f[2] == type);

    /// <summary>Chooses the kernel; on the fixture, mounts what this machine has: v1 pids and cpuset, and an empty cgroup2.</summary>
    private void Use(string kernel)
    {
        if (kernel == "host")
        {
            return;
        }

        _scratch = Directory.CreateTempSubdirectory("rf-kfstest-").FullName;
        var fixture = new FixtureKernel(_scratch) { Cpus = MachineCpus(), MemoryNodes = MachineNodes() };
        fixture.MountCgroup(CgroupRoot + "/pids", "pids");
        fixture.MountCgroup(CgroupRoot + "/cpuset", "cpuset");
        fixture.MountCgroup2(CgroupRoot + "/unified", string.Empty);
        _kernel = fixture;
    }

    // The fixture gets as many CPUs as this machine, so the same CPU numbers are valid and invalid on both.
    private static Core.CpuSet MachineCpus() => Core.CpuSet.Of(Enumerable.Range(0, Environment.ProcessorCount));

    private static Core.CpuSet MachineNodes() =>
        Core.CpuSet.Of(Directory.EnumerateDirectories("/sys/devices/system/node", "node*")
            .Select(d => int.TryParse(Path.GetFileName(d)[4..], out var n) ? n : -1).Where(n => n >= 0).DefaultIfEmpty(0));

    /// <summary>Makes a group of this test's own below a hierarchy; it is removed on dispose.</summary>
    private string Group(string hierarchy, string? below = null)
    {
        var dir = below is null ? _kernel.PathOf($"{CgroupRoot}/{hierarchy}/{_name}") : Path.Combine(below, "child");
        _kernel.CreateDirectory(dir);
        _made.Add(dir);
        return dir;
    }

    private Process Sleep() => _sleepers.Start();

    private static string Pid(Process p) => p.Id.ToString(CultureInfo.InvariantCulture);

    private static IReadOnlyList<string> Lines(string? text) => (text ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static int Errno(Exception e) => e is LinuxException linux ? linux.Errno : e.HResult;

    [Theory]
    [MemberData(nameof(Kernels))]
    public void CreateDirectory_InAHierarchy_TheGroupComesWithItsControlFiles(string kernel)
    {
        Use(kernel);

        var dir = Group("pids");

        Assert.True(_kernel.FileExists(Path.Combine(dir, "cgroup.procs")));
        Assert.Equal("max", _kernel.ReadText(Path.Combine(dir, "pids.max"))?.Trim());
        Assert.Empty(Lines(_kernel.ReadText(Path.Combine(dir, "cgroup.procs"))));
        Assert.Contains("pids.max", _kernel.EntryNames(dir));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Write_PidToAnotherGroup_MovesTheTask(string kernel)
    {
        Use(kernel);
        var first = Group("pids");
        var second = Group("pids", first);
        var sleeper = Sleep();

        _kernel.Write(Path.Combine(second, "cgroup.procs"), Pid(sleeper));
        _kernel.Write(Path.Combine(first, "cgroup.procs"), Pid(sleeper));

        Assert.Equal([Pid(sleeper)], Lines(_kernel.ReadText(Path.Combine(first, "cgroup.procs"))));
        Assert.Empty(Lines(_kernel.ReadText(Path.Combine(second, "cgroup.procs"))));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void ReadText_TaskThatEnded_NoLongerListed(string kernel)
    {
        Use(kernel);
        var dir = Group("pids");
        var sleeper = Sleep();
        _kernel.Write(Path.Combine(dir, "cgroup.procs"), Pid(sleeper));
        Assert.Equal([Pid(sleeper)], Lines(_kernel.ReadText(Path.Combine(dir, "cgroup.procs"))));

        sleeper.Kill();
        sleeper.WaitForExit();

        // The kernel drops a task as it exits, so a removal that kills what the group lists never reaches its pid again.
        Assert.Empty(Lines(_kernel.ReadText(Path.Combine(dir, "cgroup.procs"))));
        _kernel.RemoveDirectory(dir);
        Assert.False(_kernel.DirectoryExists(dir));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void RemoveDirectory_GroupWithALiveTaskOrAChild_Busy(string kernel)
    {
        Use(kernel);
        var dir = Group("pids");
        var child = Group("pids", dir);
        var sleeper = Sleep();
        _kernel.Write(Path.Combine(child, "cgroup.procs"), Pid(sleeper));

        Assert.Equal(16, Errno(Assert.ThrowsAny<IOException>(() => _kernel.RemoveDirectory(dir))));
        Assert.Equal(16, Errno(Assert.ThrowsAny<IOException>(() => _kernel.RemoveDirectory(child))));

        sleeper.Kill();
        sleeper.WaitForExit();
        RemoveWhenEmpty(child);
        _kernel.RemoveDirectory(dir);

        Assert.False(_kernel.DirectoryExists(child));
        Assert.False(_kernel.DirectoryExists(dir));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Write_ValueTheKernelCannotParse_InvalidArgument(string kernel)
    {
        Use(kernel);
        var pids = Group("pids");
        var cpuset = Group("cpuset");

        Assert.Equal(22, Errno(Assert.ThrowsAny<IOException>(() => _kernel.Write(Path.Combine(pids, "pids.max"), "lots"))));
        Assert.Equal(22, Errno(Assert.ThrowsAny<IOException>(() => _kernel.Write(Path.Combine(cpuset, "cpuset.cpus"), "0-x"))));

        // A CPU number past the machine's last is out of range rather than invalid; a node number is out of range
        // only past the kernel's largest possible node, and invalid where the machine merely lacks it.
        Assert.Equal(34, Errno(Assert.ThrowsAny<IOException>(() => _kernel.Write(Path.Combine(cpuset, "cpuset.cpus"), "99999"))));
        var missingNode = (MachineNodes().Max() + 1).ToString(CultureInfo.InvariantCulture);
        Assert.Equal(22, Errno(Assert.ThrowsAny<IOException>(() => _kernel.Write(Path.Combine(cpuset, "cpuset.mems"), missingNode))));
        Assert.Equal(34, Errno(Assert.ThrowsAny<IOException>(() => _kernel.Write(Path.Combine(cpuset, "cpuset.mems"), "5000"))));
        Assert.Equal("max", _kernel.ReadText(Path.Combine(pids, "pids.max"))?.Trim());
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Write_V1CpusetWiderThanItsParent_AccessDenied(string kernel)
    {
        Use(kernel);
        var parent = Group("cpuset");
        _kernel.Write(Path.Combine(parent, "cpuset.mems"), "0");
        _kernel.Write(Path.Combine(parent, "cpuset.cpus"), "0");
        var child = Group("cpuset", parent);
        _kernel.Write(Path.Combine(child, "cpuset.mems"), "0");

        // A second CPU where the machine has one; otherwise a CPU no machine has, which is invalid rather than denied.
        if (Environment.ProcessorCount > 1)
        {
            Assert.Throws<UnauthorizedAccessException>(() => _kernel.Write(Path.Combine(child, "cpuset.cpus"), "1"));
        }

        _kernel.Write(Path.Combine(child, "cpuset.cpus"), "0");
        Assert.Equal("0", _kernel.ReadText(Path.Combine(child, "cpuset.cpus"))?.Trim());

        // Narrowing the parent below its child is refused too; an empty value reaches the kernel as one.
        Assert.Equal(16, Errno(Assert.ThrowsAny<IOException>(() => _kernel.Write(Path.Combine(parent, "cpuset.cpus"), string.Empty))));
        Assert.Equal("0", _kernel.ReadText(Path.Combine(parent, "cpuset.cpus"))?.Trim());
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Write_FileTheKernelDoesNotOffer_NotFoundAndNotCreated(string kernel)
    {
        Use(kernel);
        var dir = Group("pids");

        Assert.ThrowsAny<FileNotFoundException>(() => _kernel.Write(Path.Combine(dir, "memory.max"), "1"));

        Assert.False(_kernel.FileExists(Path.Combine(dir, "memory.max")));
        Assert.Null(_kernel.ReadText(Path.Combine(dir, "memory.max")));
    }

    [Theory]
    [MemberData(nameof(KernelsWithCgroup2))]
    public void CgroupKill_GroupWithATask_KillsItAndTheGroupEmpties(string kernel)
    {
        Use(kernel);
        var dir = Group("unified");
        var sleeper = Sleep();
        _kernel.Write(Path.Combine(dir, "cgroup.procs"), Pid(sleeper));

        _kernel.Write(Path.Combine(dir, "cgroup.kill"), "1");

        Assert.True(sleeper.WaitForExit(TimeSpan.FromSeconds(10)), "cgroup.kill did not kill the task");
        RemoveWhenEmpty(dir);
        Assert.False(_kernel.DirectoryExists(dir));
    }

    [Theory]
    [MemberData(nameof(KernelsWithCgroup2))]
    public void SubtreeControl_NoSuchController_InvalidArgument(string kernel)
    {
        Use(kernel);
        var dir = Group("unified");

        Assert.Equal(22, Errno(Assert.ThrowsAny<IOException>(() => _kernel.Write(Path.Combine(dir, "cgroup.subtree_control"), "+nosuch"))));
        Assert.Equal(string.Empty, _kernel.ReadText(Path.Combine(dir, "cgroup.subtree_control"))?.Trim());
    }

    /// <summary>Removes a group whose last task has just died: the kernel drops it from the group within moments.</summary>
    private void RemoveWhenEmpty(string dir)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                _kernel.RemoveDirectory(dir);
                return;
            }
            catch (IOException) when (attempt < 100)
            {
                Thread.Sleep(10);
            }
        }
    }

    public void Dispose()
    {
        _sleepers.Dispose();

        // Children first; only this test's own rf-kfstest-* groups, and their tasks have exited.
        foreach (var dir in Enumerable.Reverse(_made).Where(_kernel.DirectoryExists))
        {
            RemoveWhenEmpty(dir);
        }

        if (_scratch is not null)
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }
}
