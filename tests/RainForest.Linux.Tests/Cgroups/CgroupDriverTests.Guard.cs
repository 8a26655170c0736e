using System.Diagnostics;
using System.Globalization;
using RainForest.Core;
using RainForest.Linux.Guard;

namespace RainForest.Linux.Tests.Cgroups;

/// <summary>
/// The prefix guard in the driver: names that are not one path component, and groups that lead out of
/// the prefix, are refused before anything is killed, moved, written or removed. Each hierarchy root of
/// the fixture (and a look-alike sibling of the prefix group) lists a process this test started; a
/// regression that reached it would kill it, so the test checks it still runs.
/// </summary>
public abstract partial class CgroupDriverTests
{
    public static TheoryData<string> HostileNames => ["", ".", "..", "/", "a/b", "../x", "../../x", "a\0b", "web/.."];

    private Process PlantSentinel()
    {
        CreateWeb();
        var sentinel = StartSleep();
        foreach (var parent in Driver.ParentDirectories())
        {
            var hierarchy = Path.GetDirectoryName(parent)!;
            Kernel.PlantTask(Path.Combine(hierarchy, "cgroup.procs"), sentinel.Id);
            Kernel.CreateDirectory(parent + "-evil");
            Kernel.PlantTask(Path.Combine(parent + "-evil", "cgroup.procs"), sentinel.Id);
        }

        return sentinel;
    }

    /// <summary>Every entry of the tree with its contents; symlinks are listed, never followed.</summary>
    private string Snapshot()
    {
        var lines = new List<string>();
        void Walk(string dir)
        {
            foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
            {
                if (entry.LinkTarget is { } target)
                {
                    lines.Add($"{entry.FullName} -> {target}");
                }
                else if (entry is DirectoryInfo)
                {
                    lines.Add(entry.FullName + "/");
                    Walk(entry.FullName);
                }
                else
                {
                    lines.Add($"{entry.FullName}={File.ReadAllText(entry.FullName)}");
                }
            }
        }

        Walk(Tree.Root);
        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }

    private void AssertRefusedAndUntouched(Process sentinel, string before, Action action)
    {
        Assert.Throws<GuardViolationException>(action);
        Assert.False(sentinel.WaitForExit(TimeSpan.FromMilliseconds(50)), "the sentinel outside the prefix was killed");
        Assert.Equal(before, Snapshot());
    }

    [Theory]
    [MemberData(nameof(HostileNames))]
    public void DestructiveMethods_HostileName_RefusedAndNothingTouched(string name)
    {
        var sentinel = PlantSentinel();
        var before = Snapshot();

        AssertRefusedAndUntouched(sentinel, before, () => Driver.Remove(name, TimeSpan.FromSeconds(1)));
        AssertRefusedAndUntouched(sentinel, before, () => Driver.KillAll(name));
        AssertRefusedAndUntouched(sentinel, before, () => Driver.RemoveIfEmpty(name));
        AssertRefusedAndUntouched(sentinel, before, () => Driver.MoveTasksToRoot(name));
        AssertRefusedAndUntouched(sentinel, before, () => Driver.Create(name, CpuSet.Parse("1"), "0", ByteSize.Parse("64M")));
        AssertRefusedAndUntouched(sentinel, before, () => Driver.CreateCpusetOnly(name, CpuSet.Parse("1"), "0"));
        AssertRefusedAndUntouched(sentinel, before, () => Driver.SetCpus(name, CpuSet.Parse("1"), "0"));
        AssertRefusedAndUntouched(sentinel, before, () => Driver.SetMemory(name, ByteSize.Parse("64M")));
        AssertRefusedAndUntouched(sentinel, before, () => Driver.Exists(name));
        AssertRefusedAndUntouched(sentinel, before, () => Driver.Pids(name));
        AssertRefusedAndUntouched(sentinel, before, () => Driver.Read(name));
        AssertRefusedAndUntouched(sentinel, before, () => Driver.ProcsFiles(name));
    }

    [Fact]
    public void Remove_GroupIsASymlinkToTheHierarchyRoot_RefusedAndNothingTouched()
    {
        var sentinel = PlantSentinel();
        foreach (var parent in Driver.ParentDirectories())
        {
            Directory.CreateSymbolicLink(Path.Combine(parent, "escape"), Path.GetDirectoryName(parent)!);
        }

        var before = Snapshot();

        AssertRefusedAndUntouched(sentinel, before, () => Driver.Remove("escape", TimeSpan.FromSeconds(1)));
        AssertRefusedAndUntouched(sentinel, before, () => Driver.KillAll("escape"));
        AssertRefusedAndUntouched(sentinel, before, () => Driver.MoveTasksToRoot("escape"));
        AssertRefusedAndUntouched(sentinel, before, () => Driver.RemoveIfEmpty("escape"));
    }

    [Fact]
    public void Remove_GroupIsASymlinkToALookAlikeSibling_Refused()
    {
        var sentinel = PlantSentinel();
        foreach (var parent in Driver.ParentDirectories())
        {
            Directory.CreateSymbolicLink(Path.Combine(parent, "evil"), parent + "-evil");
        }

        var before = Snapshot();

        AssertRefusedAndUntouched(sentinel, before, () => Driver.Remove("evil", TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void SetMemory_ControlFileIsASymlinkOutOfThePrefix_RefusedAndNothingWritten()
    {
        var sentinel = PlantSentinel();
        var outside = Tree.PathTo("outside-file");
        File.WriteAllText(outside, "untouched");
        var limit = Path.Combine(MemoryDir("web"), LimitFile);
        File.Delete(limit);
        File.CreateSymbolicLink(limit, outside);
        var before = Snapshot();

        AssertRefusedAndUntouched(sentinel, before, () => Driver.SetMemory("web", ByteSize.Parse("2G")));
        Assert.Equal("untouched", File.ReadAllText(outside));
    }

    [Fact]
    public void RemoveParentIfEmpty_PrefixGroupSwappedForASymlink_Refused()
    {
        var sentinel = PlantSentinel();
        Driver.Remove("web", TimeSpan.FromSeconds(5));
        foreach (var parent in Driver.ParentDirectories())
        {
            Directory.Delete(parent, recursive: true);
            Directory.CreateSymbolicLink(parent, parent + "-evil");
        }

        var before = Snapshot();

        AssertRefusedAndUntouched(sentinel, before, Driver.RemoveParentIfEmpty);
    }
}
