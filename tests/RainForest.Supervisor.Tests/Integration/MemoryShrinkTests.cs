using RainForest.Core;
using RainForest.Supervisor.Ledger;

namespace RainForest.Supervisor.Tests.Integration;

/// <summary>Shrinking a subOS's memory below what its programs hold, on the real kernel: refused, or forced with OOM kills.</summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class MemoryShrinkTests : IDisposable
{
    private readonly CellHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Resize_MemoryBelowWhatIsInUse_RefusedWithTheUsageAndNothingChanged()
    {
        HoldMemory("full");
        var before = _host.Supervisor.Show("full").Record;

        var e = Assert.Throws<RfException>(() => _host.Supervisor.Resize("full", null, ByteSize.Parse("128M")));

        Assert.Equal(RfException.InvalidInputExitCode, e.ExitCode);
        Assert.Matches(@"^full uses \d+(\.\d+)?M; cannot shrink to 128M without OOM kills \(use --force\)$", e.Message);
        Assert.Equal(before, _host.Supervisor.Show("full").Record);
        Assert.Equal(ByteSize.Parse("256M"), _host.Cgroups.Read("full").MemoryLimit);
        Assert.Equal(JournalOutcome.Rejected, _host.Supervisor.Journal(1, "full").Single().Outcome);
        Assert.True(_host.Supervisor.Show("full").MemoryUsedBytes > 128L << 20);
    }

    [Fact]
    public void Resize_ForceBelowWhatIsInUse_KillsTheProgramAndKeepsTheAgent()
    {
        HoldMemory("forced");

        var record = _host.Supervisor.Resize("forced", null, ByteSize.Parse("128M"), force: true);

        Assert.Equal(ByteSize.Parse("128M"), record.Memory);
        Assert.Equal(ByteSize.Parse("128M"), _host.Cgroups.Read("forced").MemoryLimit);
        Assert.True(_host.Supervisor.Show("forced").AgentAlive);
        Assert.Equal((0, "alive"), Trimmed(_host.Exec("forced", "echo", "alive")));
        Assert.Equal(1, Trimmed(_host.Exec("forced", "pgrep", "-x", "dd")).Item1);
    }

    private static (int, string) Trimmed((int Code, string Output) result) => (result.Code, result.Output.Trim());

    /// <summary>A subOS of 256M whose dd holds a 200M buffer (anonymous memory: no swap, so it cannot be reclaimed).</summary>
    private void HoldMemory(string name)
    {
        _host.Create(name, cpus: "1", memory: "256M");

        // dd reads 200M into one buffer, then blocks writing to a pipe that sleep never reads.
        var (code, _) = _host.Exec(name, "sh", "-c", "(dd if=/dev/zero bs=200M count=1 | sleep 600) >/dev/null 2>&1 &");
        Assert.Equal(0, code);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (_host.Supervisor.Show(name).MemoryUsedBytes < 200L << 20)
        {
            Assert.True(DateTime.UtcNow < deadline, "dd did not fill its buffer within 20 s");
            Thread.Sleep(20);
        }
    }
}
