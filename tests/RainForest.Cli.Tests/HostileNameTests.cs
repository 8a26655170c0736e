using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Supervisor;
using RainForest.Supervisor.Channels;

namespace RainForest.Cli.Tests;

/// <summary>
/// Hostile names against every rfm verb, through the CLI's real code path on the real kernel (root,
/// as in CI), with a scratch state directory of its own. Before the fix, <c>create ..</c> killed every
/// task in the root cpuset, memory and pids groups and <c>create ../../DIR</c> deleted DIR. Each case
/// must exit 2 with one line, and change nothing: the scratch folder, the cgroup trees, and the
/// processes this test started (and the test itself) all stay as they were.
/// </summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed partial class HostileNameTests : IDisposable
{
    private static readonly string[] s_hierarchies = ["/sys/fs/cgroup/cpuset", "/sys/fs/cgroup/memory", "/sys/fs/cgroup/pids"];
    private readonly string _scratch;
    private readonly string _state;
    private readonly string _prefix;
    private readonly List<Process> _sentinels = [];

    public HostileNameTests()
    {
        _scratch = Directory.CreateTempSubdirectory("rf-guard-").FullName;
        _state = Path.Combine(_scratch, "state");
        _prefix = new StateDirectory(_state).Prefix;
        try
        {
            RfmRun.Ok(_state, "init", "--reserve-cpus", "", "--reserve-memory", "512M");

            // Where "../x", "../../x" and "../../SOMEDIR" would land, relative to STATE/subos.
            Write(Path.Combine(_scratch, "x", "keep"));
            Write(Path.Combine(_scratch, "SOMEDIR", "keep"));
            Write(Path.Combine(_state, "x", "keep"));
            for (var i = 0; i < 2; i++)
            {
                _sentinels.Add(Process.Start(new ProcessStartInfo("sleep", "300") { UseShellExecute = false })
                    ?? throw new InvalidOperationException("sleep did not start"));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public static TheoryData<string> Names =>
    [
        "", ".", "..", "/", "a/b", "../x", "../../x", "../../SOMEDIR", "a\nb", "..\n", new string('a', 4096), "ñame", "名前",
    ];

    /// <summary>Every verb that takes a subOS or channel name, with the name in each position it can take.</summary>
    private static IEnumerable<string[]> Commands(string name) =>
    [
        ["create", name, "--cpus", "1", "--memory", "64M"],
        ["destroy", name],
        ["destroy", "valid-name", name],
        ["start", name],
        ["resize", name, "--memory", "128M"],
        ["exec", name, "--", "true"],
        ["show", name],
        ["log", "--subos", name],
        ["channel", "create", name, "--members", "a,b"],
        ["channel", "create", "ch", "--members", name],
        ["channel", "create", "ch", "--members", "a," + name],
        ["channel", "show", name],
        ["channel", "destroy", name],
        ["channel", "destroy", "valid-name", name],
        ["create", "web", "--cpus", "1", "--memory", "64M", "--nic", name],
    ];

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryVerb_HostileName_ExitTwoOneLineAndNothingChanged(string name)
    {
        var before = Snapshot();

        foreach (var command in Commands(name))
        {
            var shown = Printable.Escape(string.Join(' ', command), 120);
            var (code, _, stderr) = RfmRun.Run(_state, command);

            Assert.True(code == RfException.InvalidInputExitCode, $"rfm {shown}: exit {code}: {Printable.Escape(stderr, 500)}");
            Assert.Single(stderr.TrimEnd('\n').Split('\n'));
            Assert.StartsWith("rfm: ", stderr, StringComparison.Ordinal);
            AssertUnchanged(before, shown);
        }
    }

    [Theory]
    [InlineData("a\0b")]
    [InlineData("..")]
    [InlineData("")]
    [InlineData("../../SOMEDIR")]
    public void SupervisorApi_HostileName_InvalidAndNothingChanged(string name)
    {
        // NUL cannot travel through argv: the supervisor's own API is the way in for it.
        // Opening the ledger creates its WAL files: the snapshot starts once it is open.
        using var supervisor = RainForestSupervisor.Open(new StateDirectory(_state));
        var journal = supervisor.Journal().Count;
        var before = Snapshot();
        Action[] calls =
        [
            () => supervisor.Create(new CreateOptions { Name = name, Cpus = CpuRequest.Parse("1", false), Memory = ByteSize.FromMiB(64) }),
            () => supervisor.Destroy(name),
            () => supervisor.Destroy(["valid-name", name]),
            () => supervisor.Start(name),
            () => supervisor.Resize(name, null, ByteSize.FromMiB(128)),
            () => supervisor.AgentSocket(name),
            () => supervisor.Show(name),
            () => supervisor.CreateChannel(new ChannelOptions { Name = name, Members = ["a", "b"] }),
            () => supervisor.CreateChannel(new ChannelOptions { Name = "ch", Members = ["a", name] }),
            () => supervisor.DestroyChannel(name),
            () => supervisor.DestroyChannels([name]),
        ];

        for (var i = 0; i < calls.Length; i++)
        {
            var e = Assert.Throws<RfException>(calls[i]);

            Assert.True(e.ExitCode == RfException.InvalidInputExitCode, $"call {i}: exit {e.ExitCode}: {e.Message}");
            Assert.DoesNotContain('\n', e.Message);
            Assert.DoesNotContain('\0', e.Message);
            Assert.Equal(journal, supervisor.Journal().Count);
            AssertUnchanged(before, $"call {i}");
        }
    }

    [Fact]
    public void Destroy_OneOfTwoMissing_ExitTwoAndTheOtherStillRuns()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("RF_AGENT")))
        {
            Assert.Fail("set RF_AGENT to the rf-agent binary (./rfm builds it in .build/bin)");
        }

        RfmRun.Ok(_state, "create", "a", "--cpus", "1", "--memory", "128M");
        try
        {
            var (code, stdout, stderr) = RfmRun.Run(_state, "destroy", "a", "nosuch");

            Assert.Equal(RfException.InvalidInputExitCode, code);
            Assert.Equal(string.Empty, stdout);
            Assert.Contains("'nosuch'", stderr, StringComparison.Ordinal);
            Assert.Contains("\"state\": \"running\"", RfmRun.Ok(_state, "show", "a", "--json"), StringComparison.Ordinal);
            Assert.Equal(0, RfmRun.Run(_state, "exec", "a", "--", "true").ExitCode);
        }
        finally
        {
            RfmRun.Run(_state, "destroy", "a");
        }
    }

    [Fact]
    public void Destroy_Json_DestroysAndPrintsTheSummary()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("RF_AGENT")))
        {
            Assert.Fail("set RF_AGENT to the rf-agent binary (./rfm builds it in .build/bin)");
        }

        RfmRun.Ok(_state, "create", "j", "--cpus", "1", "--memory", "128M");

        // With --json no per-name callback is given; the destroy must still happen (it once did not).
        var stdout = RfmRun.Ok(_state, "destroy", "j", "--json");

        Assert.Contains("\"destroyed\"", stdout, StringComparison.Ordinal);
        Assert.Equal("[]", RfmRun.Ok(_state, "ls", "--json").Trim());
    }

    private void AssertUnchanged(string before, string what)
    {
        foreach (var sentinel in _sentinels)
        {
            Assert.False(sentinel.HasExited, $"{what}: the sentinel process {sentinel.Id} was killed");
        }

        Assert.True(File.Exists($"/proc/{Environment.ProcessId}/stat"), $"{what}: the test's own process is gone from /proc");
        Assert.Equal(before, Snapshot());
    }

    /// <summary>The scratch folder (names, sizes, times) and the cgroup trees (every group), as lines.</summary>
    private string Snapshot()
    {
        var lines = new List<string>();
        Walk(_scratch, lines, withFiles: true);
        foreach (var hierarchy in s_hierarchies.Where(Directory.Exists))
        {
            lines.Add(hierarchy + "/");
            Walk(hierarchy, lines, withFiles: false);
        }

        lines.Add($"channel root exists: {Directory.Exists(Path.Combine("/dev/shm", _prefix))}");
        lines.Add($"netns exists: {File.Exists(Path.Combine("/run/netns", _prefix + "-loop"))}");
        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }

    private void Walk(string dir, List<string> lines, bool withFiles)
    {
        IEnumerable<FileSystemInfo> entries;
        try
        {
            entries = [.. new DirectoryInfo(dir).EnumerateFileSystemInfos()];
        }
        catch (DirectoryNotFoundException)
        {
            // A transient group of someone else vanished while listed.
            return;
        }

        foreach (var entry in entries)
        {
            if (entry.LinkTarget is { } target)
            {
                lines.Add($"{entry.FullName} -> {target}");
            }
            else if (entry is DirectoryInfo)
            {
                if (!withFiles && IsOthersChurn(entry.Name))
                {
                    continue;
                }

                lines.Add(entry.FullName + "/");
                Walk(entry.FullName, lines, withFiles);
            }
            else if (withFiles && entry is FileInfo file)
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{file.FullName} {file.Length} {file.LastWriteTimeUtc:O}"));
            }
        }
    }

    /// <summary>
    /// Groups that come and go under other owners while this test runs: other supervisors' prefixes
    /// (concurrent test runs) and per-job groups named by a 32-digit hex id. A deletion by this test
    /// would show as a killed sentinel or a missing standing group, which the snapshot still holds.
    /// </summary>
    private bool IsOthersChurn(string name) =>
        (name != _prefix && (name == "rainforest" || PrefixPattern().IsMatch(name))) || JobPattern().IsMatch(name);

    [GeneratedRegex("^rf-[0-9a-f]{8}$")]
    private static partial Regex PrefixPattern();

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex JobPattern();

    private static void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "sentinel");
    }

    public void Dispose()
    {
        foreach (var sentinel in _sentinels)
        {
            // Only the processes this test started.
            if (!sentinel.HasExited)
            {
                sentinel.Kill();
                sentinel.WaitForExit();
            }

            sentinel.Dispose();
        }

        try
        {
            if (Directory.Exists(_state))
            {
                RfmRun.Run(_state, "deinit", "--force");
            }
        }
        finally
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }
}
