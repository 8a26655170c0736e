using System.Diagnostics;
using System.Globalization;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Linux.Cgroups;
using RainForest.Supervisor.Channels;

namespace RainForest.Supervisor.Tests.Unit;

/// <summary>
/// Hostile names against every supervisor entry point, on fixture trees: v1 cgroup hierarchies in a temp
/// directory whose root <c>cgroup.procs</c> files list a process this test started, and a state directory
/// with sentinel folders where <c>../x</c> and <c>../../x</c> would land. Before the fix, <c>create ..</c>
/// killed every task of the hierarchy roots and <c>create ""</c> deleted the subos folder; here every call
/// must fail with exit code 2, leave the tree and the journal as they were, and the sentinel alive.
/// </summary>
public sealed class HostileNameTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly Process _sentinel;
    private readonly RainForestSupervisor _supervisor;

    public HostileNameTests()
    {
        _sentinel = Process.Start(new ProcessStartInfo("sleep", "300") { UseShellExecute = false })
            ?? throw new InvalidOperationException("sleep did not start");
        var state = new StateDirectory(_root.PathTo("scratch/state"));
        var mounts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var controller in new[] { "cpuset", "memory", "pids" })
        {
            // The prefix groups exist, as on a machine with subOSes: "prefix/.." then names the hierarchy root.
            mounts[controller] = _root.PathTo("cgroup/" + controller);
            _root.Write($"cgroup/{controller}/cgroup.procs", _sentinel.Id.ToString(CultureInfo.InvariantCulture) + "\n");
            _root.Write($"cgroup/{controller}/{state.Prefix}/cgroup.procs", string.Empty);
        }

        _root.Write("scratch/x/keep", "sentinel");
        _root.Write("scratch/state/x/keep", "sentinel");
        _supervisor = RainForestSupervisor.Open(state, TestLedger.MachinePath("this-vm"), new CgroupLayout(CgroupMode.V1, mounts, null));
        _supervisor.Init(new InitOptions { ReserveCpus = CpuSet.Empty, ReserveMemory = ByteSize.FromMiB(512) });
    }

    public static TheoryData<string> Names =>
    [
        "", ".", "..", "/", "a/b", "../x", "../../x", "a\0b", "a\nb", "..\n", new string('a', 4096), "ñame", "名前", "supervisor",
    ];

    /// <summary>Every entry point that takes a subOS or channel name.</summary>
    private IEnumerable<(string Verb, Action Call)> Verbs(string name)
    {
        var memory = ByteSize.FromMiB(64);
        yield return ("create", () => _supervisor.Create(new CreateOptions { Name = name, Cpus = CpuRequest.Parse("1", false), Memory = memory }));
        yield return ("start", () => _supervisor.Start(name));
        yield return ("resize", () => _supervisor.Resize(name, null, memory));
        yield return ("destroy", () => _supervisor.Destroy(name));
        yield return ("destroy list", () => _supervisor.Destroy([name]));
        yield return ("show", () => _supervisor.Show(name));
        yield return ("exec", () => _supervisor.AgentSocket(name));
        yield return ("channel create", () => _supervisor.CreateChannel(new ChannelOptions { Name = name, Members = ["web"] }));
        yield return ("channel create --members", () => _supervisor.CreateChannel(new ChannelOptions { Name = "ch", Members = [name] }));
        yield return ("channel destroy", () => _supervisor.DestroyChannel(name));
        yield return ("channel destroy list", () => _supervisor.DestroyChannels([name]));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryVerb_HostileName_InvalidAndNothingChanged(string name)
    {
        var before = Snapshot();
        var journal = _supervisor.Journal().Count;

        foreach (var (verb, call) in Verbs(name))
        {
            var e = Assert.Throws<RfException>(call);

            Assert.True(e.ExitCode == RfException.InvalidInputExitCode, $"{verb}: exit {e.ExitCode}: {e.Message}");
            Assert.DoesNotContain('\n', e.Message);
            Assert.DoesNotContain('\0', e.Message);
            Assert.True(e.Message.Length < 300, $"{verb}: message of {e.Message.Length} characters");
            Assert.False(_sentinel.HasExited, $"{verb}: the sentinel in the hierarchy roots was killed");
            Assert.Equal(before, Snapshot());
            Assert.Equal(journal, _supervisor.Journal().Count);
        }
    }

    [Fact]
    public void Destroy_OneNameMissing_NothingDestroyedAndExitTwo()
    {
        var e = Assert.Throws<RfException>(() => _supervisor.Destroy(["web", "nosuch"]));

        Assert.Equal(RfException.InvalidInputExitCode, e.ExitCode);
        Assert.Contains("'web', 'nosuch'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reconcile_SubOsDirectoryIsASymlinkOutOfTheState_RefusedAndTargetKept()
    {
        // An orphaned directory under subos is removed by reconcile, unless it leads elsewhere.
        Directory.CreateSymbolicLink(_root.PathTo("scratch/state/subos/escape"), _root.PathTo("scratch/x"));

        var e = Assert.Throws<RfException>(() => _supervisor.Reconcile());

        Assert.Equal(RfException.FailureExitCode, e.ExitCode);
        Assert.Contains("refused:", e.Message, StringComparison.Ordinal);
        Assert.Contains("lies outside this supervisor's prefix " + _supervisor.State.Prefix, e.Message, StringComparison.Ordinal);
        Assert.Equal("sentinel", _root.Read("scratch/x/keep"));
        File.Delete(_root.PathTo("scratch/state/subos/escape"));
    }

    /// <summary>Every entry under the temp root: path, and for files size and modification time. Symlinks are not followed.</summary>
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
                else if (entry is FileInfo file)
                {
                    lines.Add(string.Create(CultureInfo.InvariantCulture, $"{file.FullName} {file.Length} {file.LastWriteTimeUtc:O}"));
                }
            }
        }

        Walk(_root.Root);
        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }

    public void Dispose()
    {
        try
        {
            _supervisor.Dispose();
            if (Directory.Exists(_supervisor.State.ChannelRoot))
            {
                // Only this test's own prefix directory; a hostile call must not have made it either.
                Directory.Delete(_supervisor.State.ChannelRoot, recursive: true);
            }
        }
        finally
        {
            if (!_sentinel.HasExited)
            {
                _sentinel.Kill();
                _sentinel.WaitForExit();
            }

            _sentinel.Dispose();
            _root.Dispose();
        }
    }
}
