using RainForest.Core;
using RainForest.Core.Elastic;
using RainForest.Core.Model;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Kernel;
using RainForest.Supervisor.Ledger;

namespace RainForest.Supervisor.Tests.Unit;

/// <summary>Lending, reclaiming, parking, quotas and policies through the facade, on a recording backend and fixture trees.</summary>
public sealed class ElasticRoomTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly RecordingBackend _backend = new();
    private readonly RainForestSupervisor _supervisor;

    public ElasticRoomTests()
    {
        var state = new StateDirectory(_root.PathTo("state"));
        var mounts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var controller in new[] { "cpuset", "memory", "pids" })
        {
            mounts[controller] = _root.PathTo("cgroup/" + controller);
            Directory.CreateDirectory(_root.PathTo($"cgroup/{controller}/{state.Prefix}"));
        }

        _supervisor = RainForestSupervisor.Open(state, KernelFiles.At(TestLedger.MachinePath("s-a")), new CgroupLayout(CgroupMode.V1, mounts, null), (_, _, _, _) => [_backend]);
        _supervisor.Init(new InitOptions { ReserveCpus = CpuSet.Empty, ReserveMemory = ByteSize.FromMiB(512) });
        _supervisor.Create(new CreateOptions { Name = "web", Cpus = CpuRequest.Parse("0-0", false), Memory = ByteSize.Parse("256M") });
        _supervisor.Create(new CreateOptions { Name = "batch", Cpus = CpuRequest.Parse("1-1", false), Memory = ByteSize.Parse("256M") });
        _backend.Calls.Clear();
    }

    public void Dispose()
    {
        _supervisor.Dispose();
        _root.Dispose();
    }

    private SubOsStatus Show(string name) => _supervisor.Show(name);

    [Fact]
    public void Lend_LastCpu_ParksTheDonor_AndJournalsLendAndBorrowWithTheReason()
    {
        var loan = _supervisor.Lend("batch", "web", 1, "p99 7ms > ut 5ms");

        Assert.Equal(CpuSet.Parse("1"), loan.Cpus);
        Assert.Equal(["Freeze batch True", "ApplyCpus web 0-1 0", "WriteDescription batch r1", "WriteDescription web r1"], _backend.Calls);
        Assert.Equal(CpuSet.Parse("0-1"), Show("web").Record.Cpus);
        Assert.True(Show("batch").Parked);
        Assert.True(Show("batch").Record.Cpus.IsEmpty);
        Assert.Contains("batch", _backend.Frozen);

        // One transaction, two entries: the taker's borrow and the donor's lend, with who, what and why (and when).
        var journal = _supervisor.Journal(2);
        Assert.Equal(("borrow", "web"), (journal[0].Operation, journal[0].Target));
        Assert.Equal(("lend", "batch"), (journal[1].Operation, journal[1].Target));
        Assert.All(journal, e => Assert.Equal("1 cpu batch -> web: p99 7ms > ut 5ms", e.Message));
        Assert.Equal("cpus=none parked", journal[1].After);
        Assert.Equal("cpus=0-1", journal[0].After);
        Assert.Empty(_supervisor.CheckInvariants());
    }

    [Fact]
    public void Reclaim_ParkedDonor_TakerShrinksFirst_ThenTheDonorGetsItsCpuAndThaws()
    {
        _supervisor.Lend("batch", "web", 1, "by hand");
        _backend.Calls.Clear();

        var back = _supervisor.Reclaim("web", null, "p99 1ms < lt 4ms");

        Assert.Equal(CpuSet.Parse("1"), Assert.Single(back).Cpus);
        Assert.Equal(["ApplyCpus web 0 0", "ApplyCpus batch 1 0", "Freeze batch False", "WriteDescription web r2", "WriteDescription batch r2"], _backend.Calls);
        Assert.False(Show("batch").Parked);
        Assert.Equal(CpuSet.Parse("1"), Show("batch").Record.Cpus);
        Assert.Empty(_supervisor.Loans());
        var journal = _supervisor.Journal(2);
        Assert.Equal(["return batch", "reclaim web"], journal.Select(e => $"{e.Operation} {e.Target}"));
    }

    [Fact]
    public void Lend_MoreThanTheDonorOwns_RejectedAndNothingChanged()
    {
        var e = Assert.Throws<RfException>(() => _supervisor.Lend("batch", "web", 2, "by hand"));
        Assert.Equal(2, e.ExitCode);
        Assert.Equal("'batch' owns 1 CPU(s): it cannot lend 2", e.Message);
        Assert.Empty(_backend.Calls);
        Assert.Equal(CpuSet.Parse("1"), Show("batch").Record.Cpus);
        Assert.Equal(JournalOutcome.Rejected, _supervisor.Journal(1).Single().Outcome);
    }

    [Theory]
    [InlineData("batch", "batch", 1)]
    [InlineData("batch", "nosuch", 1)]
    [InlineData("batch", "web", 0)]
    [InlineData("Bad", "web", 1)]
    public void Lend_BadInput_ExitTwo(string donor, string taker, int cpus)
    {
        var e = Assert.Throws<RfException>(() => _supervisor.Lend(donor, taker, cpus, "x"));
        Assert.Equal(2, e.ExitCode);
        Assert.Empty(_backend.Calls);
    }

    [Fact]
    public void Lend_NoFreezer_FailsAndIsUndone()
    {
        _backend.NoFreezer = true;
        var e = Assert.Throws<RfException>(() => _supervisor.Lend("batch", "web", 1, "by hand"));
        Assert.Equal(1, e.ExitCode);
        Assert.Contains("cannot park 'batch'", e.Message, StringComparison.Ordinal);
        Assert.Equal(CpuSet.Parse("1"), Show("batch").Record.Cpus);
        Assert.Equal(CpuSet.Parse("0"), Show("web").Record.Cpus);
        Assert.False(Show("batch").Parked);
        Assert.Empty(_supervisor.Loans());
    }

    [Fact]
    public void Parked_ResizeAndStartRefused_ReconcileLeavesItsFrozenCpusetBe()
    {
        _supervisor.Lend("batch", "web", 1, "by hand");
        Assert.Equal(2, Assert.Throws<RfException>(() => _supervisor.Resize("batch", CpuRequest.Parse("+1", true), null)).ExitCode);
        Assert.Equal(2, Assert.Throws<RfException>(() => _supervisor.Start("batch")).ExitCode);
        _backend.Calls.Clear();
        Assert.Empty(_supervisor.Reconcile());
        Assert.DoesNotContain(_backend.Calls, c => c.StartsWith("ApplyCpus batch", StringComparison.Ordinal));
    }

    [Fact]
    public void Lend_ForADuration_TheNextReconcileReturnsIt()
    {
        _supervisor.Create(new CreateOptions { Name = "big", Cpus = CpuRequest.Parse("2-3", false), Memory = ByteSize.Parse("256M") });
        var loan = _supervisor.Lend("big", "web", 1, "by hand", TimeSpan.FromMilliseconds(1));
        Assert.NotNull(loan.Expires);
        Assert.Equal(CpuSet.Parse("0,3"), Show("web").Record.Cpus);
        Thread.Sleep(20);

        var repairs = _supervisor.Reconcile();

        Assert.Contains(repairs, r => r.Contains("went back from 'web' to 'big'", StringComparison.Ordinal));
        Assert.Equal(CpuSet.Parse("0"), Show("web").Record.Cpus);
        Assert.Equal(CpuSet.Parse("2-3"), Show("big").Record.Cpus);
        Assert.Empty(_supervisor.Loans());
    }

    [Fact]
    public void Reclaim_SomeCpus_NewestLoanFirst_AndNothingLentRefused()
    {
        _supervisor.Create(new CreateOptions { Name = "big", Cpus = CpuRequest.Parse("2-3", false), Memory = ByteSize.Parse("256M") });
        _supervisor.Lend("big", "web", 1, "first");
        _supervisor.Lend("batch", "web", 1, "second");
        var back = _supervisor.Reclaim("web", 1, "by hand");
        Assert.Equal("batch", Assert.Single(back).Donor);
        Assert.Equal("big", Assert.Single(_supervisor.Loans()).Donor);
        Assert.Equal(2, Assert.Throws<RfException>(() => _supervisor.Reclaim("web", 2, "x")).ExitCode);
        Assert.Equal(2, Assert.Throws<RfException>(() => _supervisor.Reclaim("batch", null, "x")).ExitCode);
    }

    [Fact]
    public void Destroy_TakerWithLoans_GivesThemBackFirst()
    {
        _supervisor.Lend("batch", "web", 1, "by hand");
        _supervisor.Destroy("web");
        Assert.False(Show("batch").Parked);
        Assert.Equal(CpuSet.Parse("1"), Show("batch").Record.Cpus);
        Assert.Empty(_supervisor.Loans());
    }

    [Fact]
    public void SetCpuQuota_ThroughTheBackend_ShownAndLifted()
    {
        _supervisor.SetCpuQuota("batch", 0.5, "p99 3.8ms above 3.5ms");
        Assert.Equal(["ApplyCpuQuota batch 0.5"], _backend.Calls);
        Assert.Equal(0.5, Show("batch").CpuQuota);
        Assert.Equal("0.5 cpu: p99 3.8ms above 3.5ms", _supervisor.Journal(1).Single().Message);
        _supervisor.SetCpuQuota("batch", null, "calm");
        Assert.Null(Show("batch").CpuQuota);
        Assert.Equal(2, Assert.Throws<RfException>(() => _supervisor.SetCpuQuota("batch", -1, "x")).ExitCode);
    }

    [Fact]
    public void Policies_SetListRemove_VersionChanges()
    {
        var spec = ElasticPolicySpec.Create("web", "batch", LatencySlo.Parse("p99<=5ms"), ProbeSpec.Parse("memcached://web.rf:11211"), PolicyKind.Threshold,
            upper: TimeSpan.FromMilliseconds(4), maxCpus: 2);
        var v0 = _supervisor.PolicyVersion();
        _supervisor.SetPolicy(spec);
        Assert.Equal(spec, Assert.Single(_supervisor.Policies()));
        Assert.NotEqual(v0, _supervisor.PolicyVersion());

        var slack = spec with { Kind = PolicyKind.Slack, Window = TimeSpan.FromMilliseconds(500), Lower = TimeSpan.Zero, Upper = TimeSpan.Zero };
        _supervisor.SetPolicy(slack);
        Assert.Equal(slack, Assert.Single(_supervisor.Policies()));

        _supervisor.RemovePolicy("web");
        Assert.Empty(_supervisor.Policies());
        Assert.Equal(2, Assert.Throws<RfException>(() => _supervisor.RemovePolicy("web")).ExitCode);
        Assert.Equal(2, Assert.Throws<RfException>(() => _supervisor.SetPolicy(spec with { Donor = "nosuch" })).ExitCode);
        Assert.Empty(_supervisor.Policies());
    }

    [Fact]
    public void Policy_GoesWithItsTaker()
    {
        _supervisor.SetPolicy(ElasticPolicySpec.Create("web", "batch", LatencySlo.Parse("p99<=5ms"), ProbeSpec.Parse("tcp://web.rf:80"), PolicyKind.Slack));
        _supervisor.Destroy("web");
        Assert.Empty(_supervisor.Policies());
    }
}
