using RainForest.Linux.Guard;
using RainForest.Linux.Tests.Cgroups;

namespace RainForest.Linux.Tests.Guard;

/// <summary>
/// The prefix guard on a temp tree laid out like a v1 host: <c>cpuset/</c> stands for a hierarchy
/// root, <c>cpuset/rf-1234abcd</c> for this supervisor's prefix group, plus a state directory.
/// Nothing here deletes or kills: the guard only answers.
/// </summary>
public sealed class PrefixGuardTests : IDisposable
{
    private const string Prefix = "rf-1234abcd";
    private readonly TempTree _tree = new();
    private readonly PrefixGuard _guard;

    public PrefixGuardTests()
    {
        Directory.CreateDirectory(Group);
        Directory.CreateDirectory(Path.Combine(Group, "web"));
        Directory.CreateDirectory(SubOsRoot);
        _guard = new PrefixGuard([Group, SubOsRoot], Prefix);
    }

    private string Hierarchy => _tree.PathTo("cpuset");

    private string Group => _tree.PathTo("cpuset/" + Prefix);

    private string SubOsRoot => _tree.PathTo("state/subos");

    public void Dispose() => _tree.Dispose();

    [Theory]
    [InlineData("web")]
    [InlineData("web/cgroup.procs")]
    [InlineData("not-made-yet")]
    [InlineData("not-made-yet/deeper/file")]
    [InlineData("web/")]
    [InlineData("web//")]
    [InlineData("./web")]
    [InlineData("web/../db")]
    public void CheckInside_BelowTheGroup_ReturnsCanonicalPath(string relative)
    {
        var canonical = _guard.CheckInside(Group + "/" + relative);

        Assert.StartsWith(PrefixGuard.Canonicalize(Group) + "/", canonical, StringComparison.Ordinal);
        Assert.False(canonical.EndsWith('/'));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../")]
    [InlineData("../cgroup.procs")]
    [InlineData("../../..")]
    [InlineData("web/../..")]
    [InlineData("web/../../other")]
    public void CheckInside_DotDotClimbsOut_Throws(string relative)
    {
        var e = Assert.Throws<GuardViolationException>(() => _guard.CheckInside(Group + "/" + relative));

        Assert.Contains("lies outside this supervisor's prefix " + Prefix, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("//")]
    public void CheckInside_RootItself_Throws(string suffix)
    {
        Assert.Throws<GuardViolationException>(() => _guard.CheckInside(Group + suffix));
        Assert.Throws<GuardViolationException>(() => _guard.CheckInside(SubOsRoot + suffix));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    public void CheckRoot_RootItselfWithOrWithoutSlash_Accepted(string suffix)
    {
        Assert.Equal(PrefixGuard.Canonicalize(Group), _guard.CheckRoot(Group + suffix));
    }

    [Fact]
    public void CheckRoot_ChildOrParent_Throws()
    {
        Assert.Throws<GuardViolationException>(() => _guard.CheckRoot(Path.Combine(Group, "web")));
        Assert.Throws<GuardViolationException>(() => _guard.CheckRoot(Hierarchy));
        Assert.Throws<GuardViolationException>(() => _guard.CheckRoot(Group + "/web/../.."));
    }

    [Theory]
    [InlineData("-evil")]
    [InlineData("-evil/web")]
    [InlineData("0")]
    [InlineData("x/web")]
    public void CheckInside_PrefixLookAlike_Throws(string suffix)
    {
        // rf-1234abcd-evil starts with rf-1234abcd as a string, but is a sibling, not a child.
        Directory.CreateDirectory(Group + suffix);

        Assert.Throws<GuardViolationException>(() => _guard.CheckInside(Group + suffix));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/etc")]
    [InlineData("/sys/fs/cgroup/cpuset")]
    [InlineData("/sys/fs/cgroup/cpuset/cgroup.procs")]
    [InlineData("/sys/fs/cgroup/cpuset/rf-1234abcd-evil")]
    [InlineData("/dev/shm/rf-1234abcd")]
    public void CheckInside_UnrelatedPath_Throws(string path)
    {
        Assert.Throws<GuardViolationException>(() => _guard.CheckInside(path));
    }

    [Fact]
    public void CheckInside_SymlinkPointingOutside_Throws()
    {
        var outside = _tree.PathTo("outside");
        Directory.CreateDirectory(outside);
        var link = Path.Combine(Group, "escape");
        Directory.CreateSymbolicLink(link, outside);

        Assert.Throws<GuardViolationException>(() => _guard.CheckInside(link));
        Assert.Throws<GuardViolationException>(() => _guard.CheckInside(Path.Combine(link, "cgroup.procs")));
        Assert.Throws<GuardViolationException>(() => _guard.CheckInside(Path.Combine(link, "not-there", "file")));
    }

    [Fact]
    public void CheckInside_SymlinkToTheHierarchyRoot_Throws()
    {
        var link = Path.Combine(Group, "web-link");
        Directory.CreateSymbolicLink(link, Hierarchy);

        Assert.Throws<GuardViolationException>(() => _guard.CheckInside(link));
    }

    [Fact]
    public void CheckInside_DanglingSymlinkPointingOutside_Throws()
    {
        // realpath fails on a dangling link, but a write through it would create its target outside.
        var link = Path.Combine(Group, "web", "memory.max");
        File.CreateSymbolicLink(link, _tree.PathTo("outside-not-made/file"));

        Assert.Throws<GuardViolationException>(() => _guard.CheckInside(link));
    }

    [Fact]
    public void CheckInside_SymlinkStayingInside_ReturnsItsTarget()
    {
        var link = Path.Combine(Group, "alias");
        Directory.CreateSymbolicLink(link, Path.Combine(Group, "web"));

        Assert.Equal(PrefixGuard.Canonicalize(Path.Combine(Group, "web")), _guard.CheckInside(link));
    }

    [Fact]
    public void CheckInside_SymlinkedRoot_ComparedAfterResolution()
    {
        // /tmp may itself be a symlink: the guard resolves roots and paths the same way.
        var alias = _tree.PathTo("alias-of-cpuset");
        Directory.CreateSymbolicLink(alias, Hierarchy);
        var guard = new PrefixGuard([Path.Combine(alias, Prefix)], Prefix);

        Assert.Equal(PrefixGuard.Canonicalize(Path.Combine(Group, "web")), guard.CheckInside(Path.Combine(Group, "web")));
        Assert.Throws<GuardViolationException>(() => guard.CheckInside(Path.Combine(alias, "other")));
    }

    [Fact]
    public void CheckInside_RootIsItselfASymlinkToSlash_NothingThroughItIsInside()
    {
        var toSlash = _tree.PathTo("to-slash");
        Directory.CreateSymbolicLink(toSlash, "/");
        var guard = new PrefixGuard([toSlash], Prefix);

        Assert.Throws<GuardViolationException>(() => guard.CheckInside("/etc"));
        Assert.Throws<GuardViolationException>(() => guard.CheckInside(Path.Combine(toSlash, "etc")));
        Assert.Throws<GuardViolationException>(() => guard.CheckRoot(toSlash));
    }

    [Theory]
    [InlineData("relative/path")]
    [InlineData("")]
    [InlineData("a\0b")]
    public void CheckInside_NotAnAbsolutePath_Throws(string path)
    {
        Assert.Throws<GuardViolationException>(() => _guard.CheckInside(path));
    }

    [Fact]
    public void CheckInside_NulInsideTheRoot_Throws()
    {
        // realpath would stop at the NUL and prove a different path than the one acted on.
        Assert.Throws<GuardViolationException>(() => _guard.CheckInside(Group + "/web\0/../../.."));
    }

    [Fact]
    public void Message_NewlineInPath_StaysOneLine()
    {
        var e = Assert.Throws<GuardViolationException>(() => _guard.CheckInside("/etc/evil\nrfm: forged line"));

        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains(@"evil\nrfm", e.Message, StringComparison.Ordinal);
        Assert.Equal("/etc/evil\nrfm: forged line", e.Target);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("/")]
    [InlineData("a/b")]
    [InlineData("../x")]
    [InlineData("a\0b")]
    public void CheckComponent_NotOneComponent_Throws(string name)
    {
        Assert.Throws<GuardViolationException>(() => PrefixGuard.CheckComponent(name));
    }

    [Theory]
    [InlineData("web")]
    [InlineData("...")]
    [InlineData("ñame")]
    [InlineData("名前")]
    public void CheckComponent_OneComponent_ReturnsIt(string name)
    {
        Assert.Equal(name, PrefixGuard.CheckComponent(name));
    }

    [Theory]
    [InlineData("rf-1234abcd-loop", true)]
    [InlineData("rf-1234abcd", false)]
    [InlineData("rf-1234abcdX-loop", false)]
    [InlineData("rf-9999abcd-loop", false)]
    [InlineData("rf-1234abcd-a b", false)]
    [InlineData("rf-1234abcd-/../x", false)]
    [InlineData("", false)]
    [InlineData("..", false)]
    public void CheckNamespace_OnlyThePrefixAndADash(string name, bool accepted)
    {
        if (accepted)
        {
            Assert.Equal(name, _guard.CheckNamespace(name));
        }
        else
        {
            Assert.Throws<GuardViolationException>(() => _guard.CheckNamespace(name));
        }
    }

    [Fact]
    public void Constructor_RootIsSlashOrRelative_Throws()
    {
        Assert.Throws<ArgumentException>(() => new PrefixGuard(["/"], Prefix));
        Assert.Throws<ArgumentException>(() => new PrefixGuard(["relative"], Prefix));
        Assert.Throws<ArgumentException>(() => new PrefixGuard([], Prefix));
        Assert.Throws<ArgumentException>(() => new PrefixGuard([Group], ""));
    }
}
