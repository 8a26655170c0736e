using System.Diagnostics;
using RainForest.Linux;
using RainForest.Supervisor.Ledger;

namespace RainForest.Supervisor.Tests.Integration;

/// <summary>An rfm process killed at any point leaves nothing the next command does not repair.</summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class CrashTests : IDisposable
{
    private readonly CellHost _host = new();

    public void Dispose() => _host.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(60)]
    [InlineData(120)]
    [InlineData(250)]
    public void Create_RfmKilledPartWay_NextCommandRepairs(int delayMs)
    {
        var rfm = Path.Combine(Path.GetDirectoryName(Environment.GetEnvironmentVariable("RF_AGENT"))!, "rfm");
        var start = new ProcessStartInfo(rfm, ["--state-dir", _host.StatePath, "create", "victim", "--cpus", "1", "--memory", "128M"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        Thread.Sleep(delayMs);
        process.Kill();
        process.WaitForExit();

        _host.Supervisor.Reconcile();

        Assert.Empty(_host.Supervisor.CheckInvariants());
        var record = _host.Find("victim");
        if (record is null)
        {
            // Killed before its commit: nothing of it may remain.
            Assert.DoesNotContain("victim", _host.Cgroups.Children());
            Assert.False(Directory.Exists(_host.State.SubOsDirectory("victim")));
        }
        else
        {
            // Killed after its commit: the subOS is whole and usable.
            Assert.Equal(SubOsState.Running, record.State);
            Assert.True(ProcessInfo.IsAlive(record.AgentPid, record.AgentStart));
            Assert.Equal(0, _host.Exec("victim", "true").ExitCode);
        }

        // Either way the name and the CPU can be used again.
        if (record is not null)
        {
            _host.Supervisor.Destroy("victim");
        }

        _host.Create("victim");
        Assert.Equal(0, _host.Exec("victim", "true").ExitCode);
    }
}
