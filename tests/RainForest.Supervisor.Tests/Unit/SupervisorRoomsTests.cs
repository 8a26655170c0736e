using RainForest.Channels;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Kernel;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Channels;
using RainForest.Supervisor.Ledger;

namespace RainForest.Supervisor.Tests.Unit;

/// <summary>
/// The supervisor's rooms against a recording backend on fixture trees (this VM's /sys and /proc, v1 cgroup
/// directories in a temp tree): every kernel step of the lifecycle, queries and reconcile goes through
/// <see cref="ISubOsBackend"/>, so a second backend slots in without touching them. No root, no kernel.
/// </summary>
public sealed class SupervisorRoomsTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly RecordingBackend _backend = new();
    private readonly RainForestSupervisor _supervisor;

    public SupervisorRoomsTests()
    {
        var state = new StateDirectory(_root.PathTo("state"));
        var mounts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var controller in new[] { "cpuset", "memory", "pids" })
        {
            mounts[controller] = _root.PathTo("cgroup/" + controller);
            Directory.CreateDirectory(_root.PathTo($"cgroup/{controller}/{state.Prefix}"));
        }

        _supervisor = RainForestSupervisor.Open(state, KernelFiles.At(TestLedger.MachinePath("this-vm")), new CgroupLayout(CgroupMode.V1, mounts, null), (_, _, _, _) => [_backend]);
        _supervisor.Init(new InitOptions { ReserveCpus = CpuSet.Empty, ReserveMemory = ByteSize.FromMiB(512) });
    }

    private SubOsRecord Create(string name, string cpus = "1") =>
        _supervisor.Create(new CreateOptions { Name = name, Cpus = CpuRequest.Parse(cpus, false), Memory = ByteSize.Parse("256M") });

    [Fact]
    public void Create_StartsThroughTheBackend_AndRecordsItsKindAndProcesses()
    {
        var record = Create("web");

        Assert.Equal(["Start web 0 in 0-1", "WriteHosts web"], _backend.Calls);
        Assert.Equal(SubOsBackendKind.Cell, record.Backend);
        Assert.Equal(4194500, record.AgentPid);
        var shown = _supervisor.Show("web");
        Assert.True(shown.AgentAlive);
        Assert.Equal((2 * (long)ByteSize.MiB, 1, "0"), (shown.MemoryUsedBytes, shown.Processes, shown.KernelCpus));
        Assert.Equal("/pretend/web.sock", _supervisor.AgentSocket("web"));
        Assert.Equal(JournalOutcome.Ok, _supervisor.Journal(1, "web").Single().Outcome);
    }

    [Fact]
    public void Show_BackendReportsAPartition_TheStatusCarriesIt()
    {
        Create("web");
        var isolated = new PartitionState(PartitionKind.Isolated, false, "Parent is not a partition root");
        _backend.Kernel["web"] = _backend.Kernel["web"] with { Partition = isolated };

        Assert.Equal(isolated, _supervisor.Show("web").Partition);
        Assert.Equal(isolated, Assert.Single(_supervisor.List()).Partition);
    }

    [Fact]
    public void Resize_Running_MemoryThenCpusThenPids_ThenTheDescription()
    {
        Create("web");
        _backend.Calls.Clear();

        var resized = _supervisor.Resize("web", CpuRequest.Parse("+1", true), ByteSize.Parse("300M"), 500);

        Assert.Equal(["ApplyMemory web 300M", "ApplyCpus web 0-1 0", "ApplyPids web 500", "WriteDescription web r1"], _backend.Calls);
        Assert.Equal(CpuSet.Parse("0-1"), resized.Cpus);
        Assert.Equal(CpuSet.Parse("0-1"), _supervisor.Observe("web")!.Cpus);
        Assert.Equal(CpuSet.Empty, _supervisor.Pool().FreeCpus);
    }

    [Fact]
    public void Resize_ShrinkBelowWhatIsInUse_RejectedWithTheUsageAndNothingChanged()
    {
        Create("web");
        _backend.Kernel["web"] = _backend.Kernel["web"] with { MemoryUsage = new ByteSize(200 * ByteSize.MiB + 1) };
        var before = _supervisor.Show("web").Record;
        _backend.Calls.Clear();

        var e = Assert.Throws<RfException>(() => _supervisor.Resize("web", CpuRequest.Parse("+1", true), ByteSize.Parse("128M")));

        Assert.Equal(RfException.InvalidInputExitCode, e.ExitCode);
        Assert.Equal("web uses 201M; cannot shrink to 128M without OOM kills (use --force)", e.Message);
        Assert.Equal(["TryShrinkMemory web 128M"], _backend.Calls);
        Assert.Equal(before, _supervisor.Show("web").Record);
        Assert.Equal(ByteSize.Parse("256M"), _supervisor.Observe("web")!.MemoryLimit);
        Assert.Equal(CpuSet.Parse("1"), _supervisor.Pool().FreeCpus);
        Assert.Equal(JournalOutcome.Rejected, _supervisor.Journal(1, "web").Single().Outcome);
    }

    [Fact]
    public void Resize_ShrinkThatFits_ShrunkWithoutForce()
    {
        Create("web");
        _backend.Calls.Clear();

        var resized = _supervisor.Resize("web", null, ByteSize.Parse("128M"));

        Assert.Equal(["TryShrinkMemory web 128M", "WriteDescription web r1"], _backend.Calls);
        Assert.Equal(ByteSize.Parse("128M"), resized.Memory);
    }

    [Fact]
    public void Resize_ForceBelowWhatIsInUse_ForcedSparingTheAgent()
    {
        Create("web");
        _backend.Kernel["web"] = _backend.Kernel["web"] with { MemoryUsage = ByteSize.Parse("200M") };
        _backend.Calls.Clear();

        var resized = _supervisor.Resize("web", null, ByteSize.Parse("128M"), force: true);

        Assert.Equal(["ForceMemory web 128M sparing 4194500", "WriteDescription web r1"], _backend.Calls);
        Assert.Equal(ByteSize.Parse("128M"), resized.Memory);
        Assert.Equal(JournalOutcome.Ok, _supervisor.Journal(1, "web").Single().Outcome);
    }

    [Fact]
    public void Reconcile_AgentDied_StoppedThroughTheBackend_ResourcesKept_StartRestores()
    {
        Create("web");
        _backend.Dead.Add("web");
        _backend.Calls.Clear();

        var repairs = _supervisor.Reconcile();

        Assert.Contains("its agent (pid 4194500) died", Assert.Single(repairs), StringComparison.Ordinal);
        Assert.Equal(["Stop web"], _backend.Calls);
        var dead = _supervisor.Show("web");
        Assert.Equal((SubOsState.Dead, false, CpuSet.Parse("0")), (dead.Record.State, dead.AgentAlive, dead.Record.Cpus));
        Assert.Equal(RfException.FailureExitCode, Assert.Throws<RfException>(() => _supervisor.AgentSocket("web")).ExitCode);

        _supervisor.Start("web");

        Assert.True(_supervisor.Show("web").AgentAlive);
        Assert.Contains(_supervisor.Journal(), e => e.Operation == "repair" && e.Outcome == JournalOutcome.Repaired);
    }

    [Fact]
    public void Reconcile_KernelDrifted_ReappliedThroughTheBackend()
    {
        Create("web");
        _backend.Kernel["web"] = _backend.Kernel["web"] with { Cpus = CpuSet.Parse("0-1"), MemoryLimit = ByteSize.Parse("128M"), PidsLimit = 99 };
        _backend.Calls.Clear();

        var repairs = _supervisor.Reconcile();

        Assert.Equal(3, repairs.Count);
        Assert.Equal(["ApplyCpus web 0 0", "ApplyMemory web 256M", "ApplyPids web 1024"], _backend.Calls);
        Assert.Empty(_supervisor.Reconcile());
    }

    [Fact]
    public void Reconcile_InstanceTheLedgerLacks_StoppedThroughTheBackend()
    {
        _backend.Strays.Add("ghost");

        var repairs = _supervisor.Reconcile();

        Assert.Contains("cgroup 'ghost'", Assert.Single(repairs), StringComparison.Ordinal);
        Assert.Equal(["Stop ghost"], _backend.Calls);
    }

    [Fact]
    public void Destroy_StopsThroughTheBackend_AndFreesTheCpu()
    {
        Create("web");
        _backend.Calls.Clear();

        _supervisor.Destroy("web");

        Assert.Equal(["Stop web", "ReleaseShared"], _backend.Calls);
        Assert.Empty(_supervisor.List());
        Assert.Equal(CpuSet.Parse("0-1"), _supervisor.Pool().FreeCpus);
        Assert.Contains("no subOS named 'web'", Assert.Throws<RfException>(() => _supervisor.Observe("web")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_BackendFails_RolledBackAndJournalledAsFailed()
    {
        _backend.FailStart = true;

        var e = Assert.Throws<RfException>(() => Create("web"));

        Assert.Equal((RfException.FailureExitCode, "pretend start failure"), (e.ExitCode, e.Message));
        Assert.Empty(_supervisor.List());
        Assert.Equal(CpuSet.Parse("0-1"), _supervisor.Pool().FreeCpus);
        Assert.Equal(JournalOutcome.Failed, _supervisor.Journal(1, "web").Single().Outcome);
    }

    [Fact]
    public void Create_Rejected_RemainsOfTheNameStoppedThroughTheBackend()
    {
        // What an earlier, interrupted create left in the kernel under this name.
        _backend.Kernel["web"] = new SubOsObservation(CpuSet.Parse("0"), null, ByteSize.Zero, [], null);

        var e = Assert.Throws<RfException>(() => Create("web", cpus: "3"));

        Assert.Equal(RfException.InvalidInputExitCode, e.ExitCode);
        Assert.Empty(_supervisor.List());
        Assert.Equal(["Stop web"], _backend.Calls);
        Assert.Equal(JournalOutcome.Rejected, _supervisor.Journal(1, "web").Single().Outcome);
    }

    [Fact]
    public void Audit_GoesToTheBackend()
    {
        Create("web");

        Assert.Equal("pretend", Assert.Single(_supervisor.Audit("web").Checks).Guard);
        Assert.Equal(string.Join(' ', new[] { "cpuset", "memory", "pids" }.Select(c => _root.PathTo($"cgroup/{c}/{_supervisor.State.Prefix}/web"))),
            string.Join(' ', _supervisor.CgroupDirectories("web")));
        Assert.Equal(CgroupMode.V1, _supervisor.CgroupMode);
        Assert.True(_supervisor.IsInitialised);
    }

    [Fact]
    public void Channel_MembersMapChannelsAsDevices_PaddedLabelledSpanningAttachedThenDetached()
    {
        _backend.MapsChannelsAsDevices = true;
        Create("web");
        Create("db");
        _backend.Calls.Clear();

        _supervisor.CreateChannel(new ChannelOptions { Name = "talk", Members = ["web", "db"] });

        var web = Path.Combine(_supervisor.State.ChannelLinkDirectory("web"), "talk");
        var db = Path.Combine(_supervisor.State.ChannelLinkDirectory("db"), "talk");
        Assert.Equal([$"AttachChannel web talk {web}", $"AttachChannel db talk {db}"], _backend.Calls);
        Assert.True(long.IsPow2(new FileInfo(web).Length), $"{new FileInfo(web).Length} bytes");
        using (var channel = FicmChannel.Open(web))
        {
            Assert.True(channel.SpansKernels);
            Assert.Equal("talk", channel.Label);
        }

        _backend.Calls.Clear();
        _supervisor.DestroyChannel("talk");
        Assert.Equal(["DetachChannel db talk", "DetachChannel web talk"], _backend.Calls.Order(StringComparer.Ordinal));
        Assert.False(File.Exists(web));
    }

    [Fact]
    public void Channel_CellMembers_NoDevicesNoPaddingNoPolling()
    {
        Create("web");
        _backend.Calls.Clear();

        _supervisor.CreateChannel(new ChannelOptions { Name = "talk", Members = ["web"] });

        Assert.Empty(_backend.Calls);
        using var channel = FicmChannel.Open(Path.Combine(_supervisor.State.ChannelLinkDirectory("web"), "talk"));
        Assert.False(channel.SpansKernels);
        Assert.Equal("talk", channel.Label);
        _supervisor.DestroyChannel("talk");
        Assert.Empty(_backend.Calls);
    }

    [Fact]
    public void Channel_DeviceRefused_AttachedMembersDetached_NothingLeft()
    {
        _backend.MapsChannelsAsDevices = true;
        _backend.FailAttachFor = "db";
        Create("web");
        Create("db");
        _backend.Calls.Clear();

        var e = Assert.Throws<RfException>(() => _supervisor.CreateChannel(new ChannelOptions { Name = "talk", Members = ["web", "db"] }));

        Assert.Equal("pretend device_add failure", e.Message);
        Assert.Equal("DetachChannel web talk", _backend.Calls[^1]);
        Assert.Empty(_supervisor.Channels());
        Assert.False(File.Exists(_supervisor.State.ChannelObject("talk")));
        Assert.False(File.Exists(Path.Combine(_supervisor.State.ChannelLinkDirectory("web"), "talk")));
    }

    [Fact]
    public void Reconcile_ChannelObjectOfAnInterruptedCreate_DevicesOfRunningGuestsDetachedFirst()
    {
        _backend.MapsChannelsAsDevices = true;
        Create("web");
        _supervisor.CreateChannel(new ChannelOptions { Name = "kept", Members = ["web"] });
        _backend.Calls.Clear();

        // What a create killed after its hot-plug leaves: the object, no ledger row.
        using (FicmChannel.Create(_supervisor.State.ChannelObject("ghost"), new FicmChannelOptions { PadToPowerOfTwo = true }))
        {
        }

        var repairs = _supervisor.Reconcile();

        Assert.Contains(repairs, r => r.Contains("ghost", StringComparison.Ordinal));
        Assert.Contains("DetachChannel web ghost", _backend.Calls);
        Assert.DoesNotContain("DetachChannel web kept", _backend.Calls);
        Assert.False(File.Exists(_supervisor.State.ChannelObject("ghost")));
    }

    public void Dispose()
    {
        // The channel tests' files on /dev/shm, under this supervisor's own prefix.
        var channels = _supervisor.State.ChannelRoot;
        if (Directory.Exists(channels))
        {
            Directory.Delete(channels, recursive: true);
        }

        _supervisor.Dispose();
        _root.Dispose();
    }
}
