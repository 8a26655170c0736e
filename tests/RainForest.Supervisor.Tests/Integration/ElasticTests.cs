using System.Globalization;
using RainForest.Core;

namespace RainForest.Supervisor.Tests.Integration;

/// <summary>Lend, park, quota and reclaim on the real kernel: a busy program in the donor stops using CPU while it is parked.</summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class ElasticTests : IDisposable
{
    private readonly CellHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void LendLastCpu_ParksTheDonor_ReclaimThawsIt()
    {
        _host.Create("web", cpus: "1");
        _host.Create("batch", cpus: "1");
        var webCpus = _host.Find("web")!.Cpus;
        var batchCpus = _host.Find("batch")!.Cpus;
        Assert.Equal(0, _host.Exec("batch", "sh", "-c", "(while :; do :; done) >/dev/null 2>&1 &").ExitCode);
        WaitFor(() => CpuTicks("batch") > 0, "the busy loop did not start");

        var loan = _host.Supervisor.Lend("batch", "web", 1, "integration test");

        Assert.Equal(batchCpus, loan.Cpus);
        Assert.Equal(webCpus.Union(batchCpus), _host.Cgroups.Read("web").Cpus);
        Assert.Equal(true, _host.Cgroups.ReadFrozen("batch"));
        Assert.True(_host.Supervisor.Show("batch").Parked);
        WaitFor(() => FrozenStill("batch"), "the parked donor kept using CPU");
        Assert.Contains(_host.Supervisor.Journal(2), e => e.Operation == "lend" && e.Message!.EndsWith("integration test", StringComparison.Ordinal));
        Assert.Empty(_host.Supervisor.Reconcile());
        Assert.Empty(_host.Supervisor.CheckInvariants());

        _host.Supervisor.Reclaim("web", null, "integration test done");

        Assert.Equal(webCpus, _host.Cgroups.Read("web").Cpus);
        Assert.Equal(batchCpus, _host.Cgroups.Read("batch").Cpus);
        Assert.Equal(false, _host.Cgroups.ReadFrozen("batch"));
        Assert.False(_host.Supervisor.Show("batch").Parked);
        var before = CpuTicks("batch");
        WaitFor(() => CpuTicks("batch") > before, "the thawed donor did not run again");
        Assert.Equal((0, "ok"), (_host.Exec("batch", "echo", "ok").ExitCode, _host.Exec("batch", "echo", "ok").Stdout.Trim()));
    }

    [Fact]
    public void SetCpuQuota_WritesTheKernelsLimit_AndLifts()
    {
        _host.Create("batch", cpus: "1");
        _host.Supervisor.SetCpuQuota("batch", 0.5, "integration test");
        Assert.Equal(0.5, _host.Cgroups.ReadCpuQuota("batch"));
        Assert.Equal(0.5, _host.Supervisor.Show("batch").CpuQuota);
        _host.Supervisor.SetCpuQuota("batch", null, "integration test done");
        Assert.Null(_host.Cgroups.ReadCpuQuota("batch"));
    }

    [Fact]
    public void IdleShare_BorrowerRunsOnTheLendersCpusAtIdlePriority_AndIsNotParkedWhenItLendsItsLast()
    {
        _host.Create("web", cpus: "1");
        _host.Create("batch", cpus: "1");
        var webCpus = _host.Find("web")!.Cpus;
        var batchCpus = _host.Find("batch")!.Cpus;
        var both = webCpus.Union(batchCpus);
        Assert.Equal(0, _host.Exec("batch", "sh", "-c", "(while :; do :; done) >/dev/null 2>&1 &").ExitCode);
        WaitFor(() => CpuTicks("batch") > 0, "the busy loop did not start");

        _host.Supervisor.ShareIdle("web", "batch", "integration test");

        Assert.Equal(both, _host.Cgroups.Read("batch").Cpus);
        Assert.Equal(webCpus, _host.Cgroups.Read("web").Cpus);
        Assert.Equal(true, _host.Cgroups.ReadCpuIdle("batch"));
        Assert.Equal(false, _host.Cgroups.ReadCpuIdle("web"));
        Assert.Equal("web", _host.Supervisor.Show("batch").IdleOn);
        Assert.Equal(batchCpus, _host.Find("batch")!.Cpus);
        Assert.Contains(_host.Supervisor.Journal(2), e => e.Operation == "lend" && e.Target == "web" && e.Message!.StartsWith("idle time web -> batch", StringComparison.Ordinal));
        Assert.Empty(_host.Supervisor.Reconcile());
        Assert.Empty(_host.Supervisor.CheckInvariants());

        // cgroup v1: the borrower's tasks, and one started while it shares, are idle at the root of the cpu hierarchy.
        var idleGroup = $"/{_host.Cgroups.Prefix}.idle/batch";
        var hasCpuHierarchy = _host.Cgroups.Layout.Mode != Linux.Cgroups.CgroupMode.V2 && _host.Cgroups.Layout.V1Mounts.ContainsKey("cpu");
        Assert.Equal(0, _host.Exec("batch", "sh", "-c", "(while :; do :; done) >/dev/null 2>&1 &").ExitCode);
        if (hasCpuHierarchy)
        {
            Assert.All(_host.Cgroups.Pids("batch"), pid => Assert.Equal(idleGroup, CpuGroupOf(pid)));
            Assert.All(_host.Cgroups.Pids("web"), pid => Assert.Equal($"/{_host.Cgroups.Prefix}/web", CpuGroupOf(pid)));
        }

        // Lending its only CPU does not park a donor that runs in the taker's idle time: it keeps running there.
        _host.Supervisor.Lend("batch", "web", 1, "integration test");
        Assert.Equal(false, _host.Cgroups.ReadFrozen("batch"));
        Assert.False(_host.Supervisor.Show("batch").Parked);
        Assert.Equal(both, _host.Cgroups.Read("batch").Cpus);
        Assert.Equal(both, _host.Cgroups.Read("web").Cpus);
        var ticks = CpuTicks("batch");
        WaitFor(() => CpuTicks("batch") > ticks, "the donor stopped running in the taker's idle time");
        Assert.Empty(_host.Supervisor.Reconcile());

        // Ending the share while it owns nothing parks it; the CPU's return thaws it on its own CPU again.
        _host.Supervisor.EndIdle("batch", "integration test");
        Assert.Equal(true, _host.Cgroups.ReadFrozen("batch"));
        Assert.Equal(false, _host.Cgroups.ReadCpuIdle("batch"));
        Assert.True(_host.Supervisor.Show("batch").Parked);
        if (hasCpuHierarchy)
        {
            Assert.All(_host.Cgroups.Pids("batch"), pid => Assert.Equal($"/{_host.Cgroups.Prefix}/batch", CpuGroupOf(pid)));
        }

        _host.Supervisor.Reclaim("web", null, "integration test");
        Assert.Equal(false, _host.Cgroups.ReadFrozen("batch"));
        Assert.Equal(batchCpus, _host.Cgroups.Read("batch").Cpus);
        Assert.Equal(webCpus, _host.Cgroups.Read("web").Cpus);
        Assert.Null(_host.Supervisor.Show("batch").IdleOn);
        Assert.Empty(_host.Supervisor.Reconcile());
        Assert.Empty(_host.Supervisor.CheckInvariants());
    }

    [Fact]
    public void IdleShare_BadInput_ChangesNothing_AndTheLendersDestroyEndsIt()
    {
        _host.Create("web", cpus: "1");
        _host.Create("batch", cpus: "1");
        var batchCpus = _host.Find("batch")!.Cpus;

        Assert.Equal(2, Assert.Throws<RfException>(() => _host.Supervisor.ShareIdle("web", "web", "t")).ExitCode);
        Assert.Equal(2, Assert.Throws<RfException>(() => _host.Supervisor.ShareIdle("web", "nosuch", "t")).ExitCode);
        Assert.Equal(2, Assert.Throws<RfException>(() => _host.Supervisor.EndIdle("batch", "t")).ExitCode);
        Assert.Equal(batchCpus, _host.Cgroups.Read("batch").Cpus);
        Assert.Equal(false, _host.Cgroups.ReadCpuIdle("batch"));

        _host.Supervisor.ShareIdle("web", "batch", "t");
        Assert.Equal(2, Assert.Throws<RfException>(() => _host.Supervisor.ShareIdle("web", "batch", "t")).ExitCode);
        Assert.Equal(2, Assert.Throws<RfException>(() => _host.Supervisor.ShareIdle("batch", "web", "t")).ExitCode);

        // An rfm killed halfway through a share leaves the idle class wrong: reconcile puts it back, both ways.
        Assert.True(_host.Cgroups.SetCpuIdle("batch", false));
        Assert.Contains(_host.Supervisor.Reconcile(), r => r.Contains("subOS 'batch': cpu.idle was 0", StringComparison.Ordinal));
        Assert.Equal(true, _host.Cgroups.ReadCpuIdle("batch"));
        Assert.True(_host.Cgroups.SetCpuIdle("web", true));
        Assert.Contains(_host.Supervisor.Reconcile(), r => r.Contains("subOS 'web': cpu.idle was 1", StringComparison.Ordinal));
        Assert.Equal(false, _host.Cgroups.ReadCpuIdle("web"));

        _host.Supervisor.Destroy("web");

        Assert.Equal(batchCpus, _host.Cgroups.Read("batch").Cpus);
        Assert.Equal(false, _host.Cgroups.ReadCpuIdle("batch"));
        Assert.Null(_host.Supervisor.Show("batch").IdleOn);
        Assert.Empty(_host.Supervisor.Reconcile());
    }

    /// <summary>The task's group in the cgroup v1 cpu hierarchy, from <c>/proc/PID/cgroup</c>.</summary>
    private static string? CpuGroupOf(int pid) =>
        File.ReadAllLines($"/proc/{pid}/cgroup")
            .Select(l => l.Split(':', 3))
            .Where(f => f.Length == 3 && f[1].Split(',').Contains("cpu"))
            .Select(f => f[2])
            .FirstOrDefault();

    private long CpuTicks(string name) =>
        _host.Cgroups.Pids(name).Sum(pid =>
        {
            // utime and stime, fields 14 and 15 of /proc/PID/stat (after the parenthesised command name).
            var stat = File.Exists($"/proc/{pid}/stat") ? File.ReadAllText($"/proc/{pid}/stat") : null;
            if (stat is null)
            {
                return 0L;
            }

            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        });

    private bool FrozenStill(string name)
    {
        var before = CpuTicks(name);
        Thread.Sleep(300);
        return CpuTicks(name) == before;
    }

    private static void WaitFor(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            Thread.Sleep(50);
        }
    }
}
