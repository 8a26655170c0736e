using System.Diagnostics;
using System.Globalization;
using RainForest.Core;
using RainForest.Interop;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Fixtures;

namespace RainForest.Linux.Tests.Cgroups;

/// <summary>
/// One suite for every <see cref="CgroupDriver"/>, run on a <see cref="FixtureKernel"/> in a temp directory (plain
/// files that behave like the kernel's): each subclass mounts its version's hierarchies and says where the files are.
/// The fixture machine has CPUs 0-7 and nodes 0-1; the suite's prefix group takes CPUs 0-3.
/// </summary>
public abstract partial class CgroupDriverTests : IDisposable
{
    protected const string Prefix = "rf-test";

    // Above the kernel's PID_MAX_LIMIT (4194304): no process can have these, so a pid list that
    // reached a kill by mistake would hit nothing.
    protected const int ImpossiblePidA = 4194400;
    protected const int ImpossiblePidB = 4194401;

    private readonly TestSleepers _started = new();

    private protected CgroupDriverTests(Func<string, FixtureKernel> kernel, Func<FixtureKernel, CgroupLayout> mount)
    {
        Tree = new TempTree();
        Kernel = kernel(Tree.Root);
        Driver = CgroupDriver.For(Kernel, mount(Kernel), Prefix);
        Driver.Warnings = Warnings.Add;
    }

    private protected TempTree Tree { get; }

    /// <summary>The fixture kernel whose files are <see cref="Tree"/>.</summary>
    protected FixtureKernel Kernel { get; }

    protected CgroupDriver Driver { get; }

    /// <summary>What the driver reported it could not do.</summary>
    protected List<string> Warnings { get; } = [];

    /// <summary>The directory holding the cpuset files of the prefix group (null) or of a group.</summary>
    protected abstract string CpusetDir(string? name);

    /// <summary>The directory holding the memory files of a group.</summary>
    protected abstract string MemoryDir(string name);

    /// <summary>The memory usage file name of this version.</summary>
    protected abstract string UsageFile { get; }

    /// <summary>The hard memory limit file name of this version.</summary>
    protected abstract string LimitFile { get; }

    /// <summary>Every file a process joins through, in the order the driver lists them.</summary>
    protected abstract IReadOnlyList<string> ExpectedProcsFiles(string name);

    /// <summary>Checks what <see cref="CgroupDriver.EnsureParent"/> left in the tree.</summary>
    protected abstract void AssertParentReady(CpuSet cpus, string mems);

    /// <summary>Checks every memory control file of a group for <paramref name="memory"/>.</summary>
    protected abstract void AssertMemory(string name, ByteSize memory);

    private string Cpus(string name) => File.ReadAllText(Path.Combine(CpusetDir(name), "cpuset.cpus")).Trim();

    private string Mems(string name) => File.ReadAllText(Path.Combine(CpusetDir(name), "cpuset.mems")).Trim();

    protected void CreateWeb()
    {
        Driver.EnsureParent(CpuSet.Parse("0-3"), "0-1");
        Driver.Create("web", CpuSet.Parse("1-2"), "0", ByteSize.Parse("1G"));
    }

    [Fact]
    public void EnsureParent_FreshTree_CreatesThePrefixGroup()
    {
        Driver.EnsureParent(CpuSet.Parse("0-3"), "0-1");

        Assert.All(Driver.ParentDirectories(), d => Assert.True(Directory.Exists(d), d));
        Assert.All(Driver.ParentDirectories(), d => Assert.Equal(Prefix, Path.GetFileName(d)));
        AssertParentReady(CpuSet.Parse("0-3"), "0-1");
        Assert.Empty(Driver.Children());
    }

    [Fact]
    public void EnsureParent_Twice_SameResult()
    {
        Driver.EnsureParent(CpuSet.Parse("0-3"), "0");
        Driver.EnsureParent(CpuSet.Parse("0-3"), "0");

        AssertParentReady(CpuSet.Parse("0-3"), "0");
    }

    [Fact]
    public void Create_WritesCpusetAndMemory()
    {
        CreateWeb();

        Assert.True(Driver.Exists("web"));
        Assert.Equal("1-2", Cpus("web"));
        Assert.Equal("0", Mems("web"));
        AssertMemory("web", ByteSize.Parse("1G"));
        Assert.Equal(["web"], Driver.Children());
    }

    [Fact]
    public void CreateCpusetOnly_WritesCpusetAndNoMemoryLimit()
    {
        Driver.EnsureParent(CpuSet.Parse("0-3"), "0");

        Driver.CreateCpusetOnly("supervisor", CpuSet.Parse("0"), "0");

        Assert.Equal("0", Cpus("supervisor"));
        Assert.Equal("0", Mems("supervisor"));
        Assert.Null(Driver.Read("supervisor").MemoryLimit);
        Assert.Equal(["supervisor"], Driver.Children());
    }

    [Fact]
    public void SetCpus_OtherCpusAndNode_WritesBoth()
    {
        CreateWeb();

        Driver.SetCpus("web", CpuSet.Parse("2-3"), "1");

        Assert.Equal("2-3", Cpus("web"));
        Assert.Equal("1", Mems("web"));
    }

    [Fact]
    public void SetCpus_CpusWriteFails_MemsWereWidenedFirst()
    {
        CreateWeb();
        Tree.Break(Path.GetRelativePath(Tree.Root, Path.Combine(CpusetDir("web"), "cpuset.cpus")));

        var e = Assert.Throws<LinuxException>(() => Driver.SetCpus("web", CpuSet.Parse("2-3"), "1"));

        // mems went to the union before cpus was written, and was not narrowed after the failure.
        Assert.Equal(Path.Combine(CpusetDir("web"), "cpuset.cpus"), e.Path);
        Assert.Contains("cpuset.cpus", e.Message, StringComparison.Ordinal);
        Assert.Equal("0-1", Mems("web"));
    }

    [Fact]
    public void SetCpus_SameMems_LeavesMems()
    {
        CreateWeb();

        Driver.SetCpus("web", CpuSet.Parse("1-3"), "0");

        Assert.Equal("1-3", Cpus("web"));
        Assert.Equal("0", Mems("web"));
    }

    [Theory]
    [InlineData("2G")]
    [InlineData("256M")]
    public void SetMemory_GrowOrShrink_WritesEveryLimit(string size)
    {
        CreateWeb();

        Driver.SetMemory("web", ByteSize.Parse(size));

        AssertMemory("web", ByteSize.Parse(size));
    }

    [Fact]
    public void TryShrinkMemory_UsageFits_WritesEveryLimit()
    {
        CreateWeb();
        File.WriteAllText(Path.Combine(MemoryDir("web"), UsageFile), (100L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(Driver.TryShrinkMemory("web", ByteSize.Parse("256M"), TimeSpan.FromMilliseconds(50)));

        AssertMemory("web", ByteSize.Parse("256M"));
    }

    [Fact]
    public void ForceMemory_NoKernelToRefuse_WritesEveryLimit()
    {
        CreateWeb();

        Driver.ForceMemory("web", ByteSize.Parse("256M"), new HashSet<int>(), TimeSpan.FromMilliseconds(50));

        AssertMemory("web", ByteSize.Parse("256M"));
    }

    [Fact]
    public void ProcsFiles_Group_OneFilePerHierarchy()
    {
        CreateWeb();

        Assert.Equal(ExpectedProcsFiles("web"), Driver.ProcsFiles("web"));
    }

    [Fact]
    public void Children_SeveralGroups_EachOnceInOrder()
    {
        Driver.EnsureParent(CpuSet.Parse("0-3"), "0");
        Driver.Create("web", CpuSet.Parse("1"), "0", ByteSize.Parse("64M"));
        Driver.Create("db", CpuSet.Parse("2"), "0", ByteSize.Parse("64M"));
        Driver.CreateCpusetOnly("supervisor", CpuSet.Parse("0"), "0");

        Assert.Equal(["db", "supervisor", "web"], Driver.Children());
    }

    [Fact]
    public void Children_NoParent_Empty()
    {
        Assert.Empty(Driver.Children());
        Assert.False(Driver.Exists("web"));
    }

    [Fact]
    public void Read_Group_ParsesBackWhatTheFilesSay()
    {
        CreateWeb();
        File.WriteAllText(Path.Combine(MemoryDir("web"), UsageFile), "12345678\n");
        File.WriteAllText(ExpectedProcsFiles("web")[0], $"{ImpossiblePidA}\n{ImpossiblePidB}\n");

        var state = Driver.Read("web");

        Assert.Equal("1-2", state.Cpus.ToString());
        Assert.Equal("0", state.Mems);
        Assert.Equal(ByteSize.Parse("1G"), state.MemoryLimit);
        Assert.Equal(new ByteSize(12345678), state.MemoryUsage);
        Assert.Equal([ImpossiblePidA, ImpossiblePidB], state.Pids);
        Assert.Equal([ImpossiblePidA, ImpossiblePidB], Driver.Pids("web"));
    }

    [Theory]
    [InlineData("max")]
    [InlineData("9223372036854771712")]
    public void Read_UnlimitedMemory_LimitIsNull(string text)
    {
        CreateWeb();
        File.WriteAllText(Path.Combine(MemoryDir("web"), LimitFile), text + "\n");

        Assert.Null(Driver.Read("web").MemoryLimit);
    }

    [Fact]
    public void Read_MissingGroup_EmptyState()
    {
        Driver.EnsureParent(CpuSet.Parse("0-3"), "0");

        var state = Driver.Read("ghost");

        Assert.True(state.Cpus.IsEmpty);
        Assert.Equal(string.Empty, state.Mems);
        Assert.Null(state.MemoryLimit);
        Assert.Equal(ByteSize.Zero, state.MemoryUsage);
        Assert.Empty(state.Pids);
    }

    [Fact]
    public void Remove_Group_DeletesItsDirectoriesAndIsIdempotent()
    {
        CreateWeb();
        Driver.Create("db", CpuSet.Parse("3"), "0", ByteSize.Parse("64M"));

        Driver.Remove("web", TimeSpan.FromSeconds(5));

        Assert.False(Directory.Exists(CpusetDir("web")));
        Assert.False(Directory.Exists(MemoryDir("web")));
        Assert.False(Driver.Exists("web"));
        Assert.Equal(["db"], Driver.Children());

        Driver.Remove("web", TimeSpan.FromSeconds(5));
        Driver.Remove("never-made", TimeSpan.FromSeconds(5));
        Assert.Equal(["db"], Driver.Children());
    }

    [Fact]
    public void Remove_GroupWithAProcess_KillsIt()
    {
        CreateWeb();
        var sleeper = StartSleep();
        Kernel.Write(ExpectedProcsFiles("web")[0], sleeper.Id.ToString(CultureInfo.InvariantCulture));

        Driver.Remove("web", TimeSpan.FromSeconds(5));

        Assert.True(sleeper.WaitForExit(TimeSpan.FromSeconds(10)), "the process in the group was not killed");
        Assert.False(Driver.Exists("web"));
    }

    [Fact]
    public void RemoveParentIfEmpty_ParentWithAChild_KeepsIt()
    {
        CreateWeb();

        Driver.RemoveParentIfEmpty();

        Assert.All(Driver.ParentDirectories(), d => Assert.True(Directory.Exists(d), d));
        Assert.True(Driver.Exists("web"));
    }

    [Fact]
    public void RemoveParentIfEmpty_LastChildGone_RemovesTheParent()
    {
        CreateWeb();
        Driver.Remove("web", TimeSpan.FromSeconds(5));

        Driver.RemoveParentIfEmpty();
        Driver.RemoveParentIfEmpty();

        Assert.All(Driver.ParentDirectories(), d => Assert.False(Directory.Exists(d), d));
    }

    [Fact]
    public void RemoveIfEmpty_GroupWithALiveTask_KeepsItAndKillsNothing()
    {
        Driver.EnsureParent(CpuSet.Parse("0-3"), "0");
        Driver.CreateCpusetOnly("supervisor", CpuSet.Parse("0"), "0");
        var host = StartSleep();
        Kernel.Write(Driver.ProcsFiles("supervisor")[0], host.Id.ToString(CultureInfo.InvariantCulture));

        Assert.False(Driver.RemoveIfEmpty("supervisor"));

        Assert.False(host.HasExited);
        Assert.Equal(["supervisor"], Driver.Children());
    }

    [Fact]
    public void MoveTasksToRoot_HostTask_LeavesTheGroupForTheHierarchyRoot()
    {
        Driver.EnsureParent(CpuSet.Parse("0-3"), "0");
        Driver.CreateCpusetOnly("supervisor", CpuSet.Parse("0"), "0");
        var host = StartSleep();
        var procs = Driver.ProcsFiles("supervisor")[0];
        Kernel.Write(procs, host.Id.ToString(CultureInfo.InvariantCulture));

        Driver.MoveTasksToRoot("supervisor");

        Assert.Empty(Driver.Pids("supervisor"));
        var root = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(procs)))!, "cgroup.procs");
        Assert.Contains(host.Id.ToString(CultureInfo.InvariantCulture), File.ReadAllLines(root));
        Assert.True(Driver.RemoveIfEmpty("supervisor"));
        Assert.False(host.HasExited);
    }

    [Theory]
    [InlineData("8")]
    [InlineData("0-9")]
    public void SetCpus_CpuTheMachineLacks_KernelRefusesAndNothingChanges(string cpus)
    {
        CreateWeb();

        var e = Assert.Throws<LinuxException>(() => Driver.SetCpus("web", CpuSet.Parse(cpus), "0"));

        Assert.Contains($"cannot write '{cpus}' to ", e.Message, StringComparison.Ordinal);
        Assert.Contains("Numerical result out of range", e.Message, StringComparison.Ordinal);
        Assert.Equal("1-2", Cpus("web"));
        Assert.Equal("0", Mems("web"));
    }

    private Process StartSleep() => _started.Start();

    public void Dispose()
    {
        _started.Dispose();

        Tree.Dispose();
        GC.SuppressFinalize(this);
    }
}
