using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Linux;
using RainForest.Supervisor.Ledger;

namespace RainForest.Supervisor.Tests.Integration;

/// <summary>Cells on the real kernel (needs root, as in CI). Each test has its own supervisor and prefix.</summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class CellTests : IDisposable
{
    private readonly CellHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Exec_OneCpuSubOs_NprocIsOneAndAffinityIsThatCpu()
    {
        _host.Create("one", cpus: "1");
        var cpu = _host.Supervisor.Show("one").Record.Cpus;

        var (code, output) = _host.Exec("one", "sh", "-c", "nproc; grep Cpus_allowed_list /proc/self/status");

        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("1", lines[0].Trim());
        Assert.Equal(cpu.ToString(), lines[1].Split(':')[1].Trim());
    }

    [Fact]
    public void Exec_MissingWorkingDirectory_BlamesTheDirectoryNotTheProgram()
    {
        _host.Create("cwd");
        var (oldError, stderr) = (Console.Error, new StringWriter());
        Console.SetError(stderr);
        int code;
        try
        {
            code = ExecClient.Run(_host.Supervisor.AgentSocket("cwd"), ["true"], cwd: "/nonexist");
        }
        finally
        {
            Console.SetError(oldError);
        }

        Assert.Equal(126, code);
        Assert.Equal("rfm: working directory /nonexist: no such directory inside the subOS", stderr.ToString().Trim());
    }

    [Fact]
    public void Exec_Hostname_IsTheSubOsName()
    {
        _host.Create("hostname-check");

        var (code, output) = _host.Exec("hostname-check", "hostname");

        Assert.Equal(0, code);
        Assert.Equal("hostname-check", output.Trim());
    }

    [Fact]
    public void Exec_FileWrittenUnderRoot_DoesNotAppearOnHost()
    {
        _host.Create("cow");
        var path = $"/var/tmp/rf-test-cow-{Guid.NewGuid():N}";

        var (code, output) = _host.Exec("cow", "sh", "-c", $"echo inside > {path} && cat {path}");

        Assert.Equal(0, code);
        Assert.Equal("inside", output.Trim());
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Exec_DescriptionAndExitCode_ArePassedThrough()
    {
        _host.Create("desc");

        var (code, output) = _host.Exec("desc", "sh", "-c", "cat /run/rainforest/subos.json; exit 7");

        Assert.Equal(7, code);
        Assert.Contains("\"name\": \"desc\"", output, StringComparison.Ordinal);
        Assert.Equal(127, _host.Exec("desc", "no-such-program-rf").ExitCode);
        Assert.Equal(0, _host.Exec("desc", "test", "-x", "/run/rainforest/bin/rf-agent").ExitCode);
        Assert.NotEqual(0, _host.Exec("desc", "sh", "-c", "echo x > /run/rainforest/subos.json").ExitCode);
    }

    [Fact]
    public void Exec_WithTty_RunsOnTheSubOsOwnTerminal()
    {
        _host.Create("terminal");

        var (code, output) = _host.Exec("terminal", tty: true, "sh", "-c", "tty; echo $TERM; exit 3");

        Assert.Equal(3, code);
        Assert.StartsWith("/dev/pts/", output.Trim(), StringComparison.Ordinal);
        Assert.Contains("xterm", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Exec_AllocationPastMemorySize_IsKilledInsideAndSubOsSurvives()
    {
        _host.Create("oom", memory: "64M");

        // dd fills one 256 MiB buffer: four times the subOS's memory.
        var (code, _) = _host.Exec("oom", "dd", "if=/dev/zero", "of=/dev/null", "bs=256M", "count=1");

        Assert.Equal(128 + 9, code);
        Assert.Equal(0, _host.Exec("oom", "true").ExitCode);
        Assert.True(_host.Supervisor.Show("oom").AgentAlive);
    }

    [Fact]
    public async Task Resize_RunningProcess_SeesNewCpuCount()
    {
        _host.Create("grow", cpus: "1");
        var watcher = Task.Run(() => _host.Exec("grow", "timeout", "30", "sh", "-c",
            "while [ \"$(nproc)\" != 2 ]; do sleep 0.02; done; nproc; grep -o '\"cpuCount\": 2' /run/rainforest/subos.json"));
        Thread.Sleep(300);

        _host.Supervisor.Resize("grow", CpuRequest.Parse("+1", true), ByteSize.Parse("512M"));

        var (code, output) = await watcher.WaitAsync(TimeSpan.FromSeconds(40));
        Assert.Equal(0, code);
        Assert.StartsWith("2", output.Trim(), StringComparison.Ordinal);
        var kernel = _host.Cgroups.Read("grow");
        Assert.Equal(2, kernel.Cpus.Count);
        Assert.Equal(ByteSize.Parse("512M"), kernel.MemoryLimit);
    }

    [Fact]
    public void Destroy_LeavesNothingBehind()
    {
        _host.Create("gone");
        var record = _host.Supervisor.Show("gone").Record;
        var groups = _host.Cgroups.ParentDirectories().Select(d => Path.Combine(d, "gone")).ToList();
        Assert.All(groups, g => Assert.True(Directory.Exists(g)));

        _host.Supervisor.Destroy("gone");

        Assert.All(groups, g => Assert.False(Directory.Exists(g)));
        Assert.False(ProcessInfo.IsAlive(record.AgentPid, record.AgentStart));
        Assert.False(Directory.Exists(_host.State.SubOsDirectory("gone")));
        Assert.DoesNotContain(_host.StatePath, File.ReadAllText("/proc/mounts"), StringComparison.Ordinal);
        Assert.Null(_host.Find("gone"));
        Assert.Equal(_host.Supervisor.Pool().Online, _host.Supervisor.Pool().FreeCpus);
    }

    [Fact]
    public void Create_TwoSubOses_NeverShareACpu()
    {
        _host.Create("left", cpus: "1");
        _host.Create("right", cpus: "1");

        var left = _host.Cgroups.Read("left").Cpus;
        var right = _host.Cgroups.Read("right").Cpus;
        Assert.False(left.Overlaps(right));
        var error = Assert.Throws<RfException>(() => _host.Create("third", cpus: "1"));
        Assert.Equal(RfException.InvalidInputExitCode, error.ExitCode);
        Assert.Null(_host.Find("third"));
        Assert.DoesNotContain("third", _host.Cgroups.Children());
    }

    [Fact]
    public async Task Create_TwoSupervisorsRacingForOneCpu_OneWinsOneFailsClearly()
    {
        using var other = RainForestSupervisor.Open(_host.State);
        var errors = new List<RfException>();
        var starts = new Barrier(2);
        var racers = new[] { ("race-a", _host.Supervisor), ("race-b", other) }.Select(r => Task.Run(() =>
        {
            starts.SignalAndWait();
            try
            {
                r.Item2.Create(new CreateOptions { Name = r.Item1, Cpus = CpuRequest.Parse("0-0", false), Memory = ByteSize.Parse("128M") });
            }
            catch (RfException e)
            {
                lock (errors)
                {
                    errors.Add(e);
                }
            }
        })).ToArray();

        await Task.WhenAll(racers).WaitAsync(TimeSpan.FromSeconds(60));

        var error = Assert.Single(errors);
        Assert.Equal(RfException.InvalidInputExitCode, error.ExitCode);
        Assert.Contains("CPU 0 is owned", error.Message, StringComparison.Ordinal);
        Assert.Single(_host.Supervisor.List());
        Assert.Empty(_host.Supervisor.CheckInvariants());
    }

    [Fact]
    public void Reconcile_AgentKilled_MarksDeadCleansUpAndStartRestores()
    {
        _host.Create("phoenix");
        var record = _host.Supervisor.Show("phoenix").Record;

        ProcessInfo.Kill(record.AgentPid);
        SpinWait.SpinUntil(() => !ProcessInfo.IsAlive(record.AgentPid, record.AgentStart), TimeSpan.FromSeconds(10));
        var repairs = _host.Supervisor.Reconcile();

        Assert.Contains(repairs, r => r.Contains("phoenix", StringComparison.Ordinal));
        Assert.Equal(SubOsState.Dead, _host.Find("phoenix")!.State);
        Assert.False(_host.Cgroups.Exists("phoenix"));
        Assert.Equal(record.Cpus, _host.Find("phoenix")!.Cpus);

        _host.Supervisor.Start("phoenix");

        Assert.Equal(0, _host.Exec("phoenix", "true").ExitCode);
        Assert.Contains(_host.Supervisor.Journal(), e => e.Operation == "repair" && e.Outcome == JournalOutcome.Repaired);
    }

    [Fact]
    public void Reconcile_OrphanedCgroupFromInterruptedCreate_IsRemoved()
    {
        // What a create killed between its cgroup writes and its commit leaves behind.
        _host.Cgroups.EnsureParent(CpuSet.Parse("0-1"), "0");
        _host.Cgroups.Create("half-made", CpuSet.Parse("1-1"), "0", ByteSize.Parse("64M"));

        var repairs = _host.Supervisor.Reconcile();

        Assert.Contains(repairs, r => r.Contains("half-made", StringComparison.Ordinal));
        Assert.False(_host.Cgroups.Exists("half-made"));
    }

    [Fact]
    public void Reconcile_KernelDiffersFromLedger_ReappliesLedger()
    {
        _host.Create("drift", memory: "256M");
        _host.Cgroups.SetMemory("drift", ByteSize.Parse("128M"));

        var repairs = _host.Supervisor.Reconcile();

        Assert.Contains(repairs, r => r.Contains("drift", StringComparison.Ordinal));
        Assert.Equal(ByteSize.Parse("256M"), _host.Cgroups.Read("drift").MemoryLimit);
    }

    [Fact]
    public void BadInput_ChangesNothing()
    {
        _host.Create("keep");
        var before = _host.Records();

        Assert.Equal(2, Assert.Throws<RfException>(() => _host.Create("keep")).ExitCode);
        Assert.Equal(2, Assert.Throws<RfException>(() => _host.Create("Bad_Name")).ExitCode);
        Assert.Equal(2, Assert.Throws<RfException>(() => _host.Create("big", memory: "100T")).ExitCode);
        Assert.Equal(2, Assert.Throws<RfException>(() => _host.Create("nocpu", cpus: "7-9")).ExitCode);
        Assert.Equal(2, Assert.Throws<RfException>(() => _host.Supervisor.Destroy("missing")).ExitCode);
        Assert.Equal(2, Assert.Throws<RfException>(() => _host.Supervisor.Resize("keep", CpuRequest.Parse("-1", true), null)).ExitCode);

        Assert.Equal(before, _host.Records());
        Assert.Equal(["keep"], _host.Cgroups.Children());
        Assert.Contains(_host.Supervisor.Journal(), e => e.Outcome == JournalOutcome.Rejected && e.Target == "big");
    }
}
