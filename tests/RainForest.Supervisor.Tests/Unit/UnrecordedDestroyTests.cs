using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Kernel;
using RainForest.Supervisor.Ledger;

namespace RainForest.Supervisor.Tests.Unit;

/// <summary>
/// A destroy made while the state directory's file system was full left its marker and not its ledger change: the
/// queries leave the subOS out, and the next reconcile records and journals it (the full disk itself is in
/// <c>Integration/DiskFullTests</c>).
/// </summary>
public sealed class UnrecordedDestroyTests : IDisposable
{
    private static readonly DateTime s_destroyedAt = new(2026, 12, 1, 12, 34, 20, DateTimeKind.Utc);

    private readonly TempDirectory _root = new();
    private readonly RecordingBackend _backend = new();
    private readonly StateDirectory _state;
    private readonly RainForestSupervisor _supervisor;

    public UnrecordedDestroyTests()
    {
        _state = new StateDirectory(_root.PathTo("state"));
        var mounts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var controller in new[] { "cpuset", "memory", "pids" })
        {
            mounts[controller] = _root.PathTo("cgroup/" + controller);
            Directory.CreateDirectory(_root.PathTo($"cgroup/{controller}/{_state.Prefix}"));
        }

        _supervisor = RainForestSupervisor.Open(_state, KernelFiles.At(TestLedger.MachinePath("this-vm")), new CgroupLayout(CgroupMode.V1, mounts, null), (_, _, _, _) => [_backend]);
        _supervisor.Init(new InitOptions { ReserveCpus = CpuSet.Empty, ReserveMemory = ByteSize.FromMiB(512) });
        _supervisor.Create(new CreateOptions { Name = "web", Cpus = CpuRequest.Parse("1", false), Memory = ByteSize.Parse("256M") });
        _supervisor.Create(new CreateOptions { Name = "db", Cpus = CpuRequest.Parse("1", false), Memory = ByteSize.Parse("256M") });
    }

    public void Dispose()
    {
        _supervisor.Dispose();
        _root.Dispose();
    }

    /// <summary>What a destroy on a full disk leaves: the subOS gone from the kernel, its marker, its row.</summary>
    private void DestroyedWhileFull(string name)
    {
        var marker = _state.UnrecordedDestroyMarker(name);
        File.WriteAllBytes(marker, []);
        File.SetLastWriteTimeUtc(marker, s_destroyedAt);
        _backend.Stop(name, 0);
        _backend.Calls.Clear();
    }

    [Fact]
    public void Queries_LeaveTheSubOsOut_AndFreeItsCpu()
    {
        var cpus = _supervisor.Show("web").Record.Cpus;
        Assert.Equal(CpuSet.Empty, _supervisor.Pool().FreeCpus);

        DestroyedWhileFull("web");

        Assert.Equal(["db"], _supervisor.List().Select(s => s.Record.Name));
        Assert.Equal(cpus, _supervisor.Pool().FreeCpus);
        var show = Assert.Throws<RfException>(() => _supervisor.Show("web"));
        Assert.Equal(RfException.InvalidInputExitCode, show.ExitCode);
        Assert.Contains("destroyed while the state directory's file system was full", show.Message, StringComparison.Ordinal);
        Assert.Equal(RfException.InvalidInputExitCode, Assert.Throws<RfException>(() => _supervisor.AgentSocket("web")).ExitCode);
    }

    [Fact]
    public void Reconcile_RecordsTheDestroy_JournalsItsTime_AndRemovesTheMarker()
    {
        DestroyedWhileFull("web");

        var repairs = _supervisor.Reconcile();

        Assert.Equal(["subOS 'web' was destroyed at 2026-12-01 12:34:20 UTC while the state directory's file system was full; the ledger records it now"], repairs);
        Assert.Equal(["Stop web", "WriteHosts db", "ReleaseShared"], _backend.Calls);
        Assert.False(File.Exists(_state.UnrecordedDestroyMarker("web")));
        Assert.Equal(["db"], _supervisor.List().Select(s => s.Record.Name));
        var entry = _supervisor.Journal(1, "web").Single();
        Assert.Equal(("destroy", JournalOutcome.Ok), (entry.Operation, entry.Outcome));
        Assert.Equal("destroyed at 2026-12-01 12:34:20 UTC while the state directory's file system was full; recorded when space returned", entry.Message);
        Assert.StartsWith("cpus=", entry.Before, StringComparison.Ordinal);
        Assert.Empty(_supervisor.Reconcile());
        Assert.Empty(_supervisor.CheckInvariants());
    }

    [Fact]
    public void Reconcile_MarkerOfASubOsTheLedgerLacks_IsRemoved()
    {
        File.WriteAllBytes(_state.UnrecordedDestroyMarker("ghost"), []);

        var repairs = _supervisor.Reconcile();

        Assert.Contains(repairs, r => r.StartsWith("subOS 'ghost' destroyed at ", StringComparison.Ordinal) && r.EndsWith("is no longer in the ledger; its marker was removed", StringComparison.Ordinal));
        Assert.False(File.Exists(_state.UnrecordedDestroyMarker("ghost")));
        Assert.Equal(2, _supervisor.List().Count);
    }

    [Fact]
    public void Reconcile_FileThatIsNoMarkerOfAValidName_IsLeftAlone()
    {
        var odd = Path.Combine(_state.SubOsRoot, "Not_A_Name" + StateDirectory.UnrecordedDestroySuffix);
        File.WriteAllBytes(odd, []);

        Assert.Empty(_supervisor.Reconcile());
        Assert.True(File.Exists(odd));
    }

    [Fact]
    public void Destroy_LedgerWritable_IsRecordedAtOnce()
    {
        var outcomes = new List<(string, DestroyOutcome)>();

        _supervisor.Destroy(["web", "db"], (name, outcome) => outcomes.Add((name, outcome)));

        Assert.Equal([("web", DestroyOutcome.Recorded), ("db", DestroyOutcome.Recorded)], outcomes);
        Assert.Empty(Directory.EnumerateFiles(_state.SubOsRoot));
        Assert.Empty(_supervisor.List());
    }
}
