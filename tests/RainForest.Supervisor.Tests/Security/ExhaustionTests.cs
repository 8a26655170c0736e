using System.Diagnostics;
using System.Text.RegularExpressions;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Supervisor.Tests.Integration;

namespace RainForest.Supervisor.Tests.Security;

/// <summary>Denial of service from inside an unprivileged subOS: forks, memory, its own /tmp.</summary>
/// <remarks>Each test has its own supervisor: a failure here may leave a subOS unusable.</remarks>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed partial class ExhaustionTests : IDisposable
{
    private const long BombPids = 256;
    private readonly CellHost _host = new();
    private readonly string _work = Directory.CreateTempSubdirectory("rf-sec-").FullName;

    public void Dispose()
    {
        try
        {
            _host.Dispose();
        }
        finally
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    [Fact]
    public async Task ForkBomb_PidsLimited_StopsAtTheLimitWhileNeighbourAndHostStayResponsive()
    {
        Create("bomb", pids: BombPids);
        Create("bystander");
        Probe.Install(_host, "bomb", Probe.Build(_work));

        // Up to 5000 sleeping children, held 8 s, then killed by pid (its own children only).
        var bomb = Task.Run(() => _host.Exec("bomb", Probe.InsidePath, "fork-bomb", "5000", "8"));
        Thread.Sleep(TimeSpan.FromSeconds(4));
        var neighbour = Stopwatch.StartNew();
        var (neighbourCode, _) = _host.Exec("bystander", "true");
        neighbour.Stop();
        var host = Stopwatch.StartNew();
        using (var process = Process.Start("true"))
        {
            process.WaitForExit();
        }

        host.Stop();
        var (code, output) = await bomb.WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(0, neighbourCode);
        Assert.True(neighbour.Elapsed < TimeSpan.FromSeconds(5), $"true in the bystander took {neighbour.Elapsed}");
        Assert.True(host.Elapsed < TimeSpan.FromSeconds(5), $"true on the host took {host.Elapsed}");
        Assert.Equal(0, code);
        var counts = BombResult().Match(output);
        Assert.True(counts.Success, output);
        var forked = int.Parse(counts.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(forked < BombPids, $"forked {forked} children under a pids limit of {BombPids}");
        Assert.Equal(5000 - forked, int.Parse(counts.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0, _host.Exec("bomb", "true").ExitCode);
    }

    [Fact]
    public void Allocation_PastMemorySize_KillsTheProgramAndSubOsSurvives()
    {
        Create("hog", memory: "128M");

        var (code, _) = _host.Exec("hog", "dd", "if=/dev/zero", "of=/dev/null", "bs=512M", "count=1");

        Assert.Equal(128 + 9, code);
        Assert.Equal(0, _host.Exec("hog", "true").ExitCode);
        Assert.True(_host.Supervisor.Show("hog").AgentAlive);
    }

    [Fact]
    public void TmpFill_UntilFull_CostsTheSubOsMemoryNotTheHostDisk()
    {
        Create("filler");
        var freeBefore = new DriveInfo("/").AvailableFreeSpace;

        // Twice the subOS's memory: /tmp is a tmpfs charged to it, so this ends in ENOSPC or an OOM kill of dd.
        var (code, output) = _host.Exec("filler", "sh", "-c", "exec 2>&1; dd if=/dev/zero of=/tmp/fill bs=1M count=512");
        var freeDuring = new DriveInfo("/").AvailableFreeSpace;

        Assert.NotEqual(0, code);
        Assert.True(code == 128 + 9 || output.Contains("No space left on device", StringComparison.Ordinal), output);
        Assert.True(Math.Abs(freeBefore - freeDuring) < 64L << 20, $"host free disk moved by {(freeBefore - freeDuring) >> 20} MiB");
        Assert.True(_host.Supervisor.Show("filler").AgentAlive, "the subOS's agent (pid 1) died");
        Assert.Equal(0, _host.Exec("filler", "rm", "-f", "/tmp/fill").ExitCode);
    }

    [GeneratedRegex(@"forked=(\d+) failed=(\d+)")]
    private static partial Regex BombResult();

    private void Create(string name, string memory = "256M", long? pids = null) =>
        _host.Supervisor.Create(new CreateOptions { Name = name, Cpus = CpuRequest.Parse("1", false), Memory = ByteSize.Parse(memory), Pids = pids });
}
