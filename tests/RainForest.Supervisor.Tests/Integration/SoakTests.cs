using System.Diagnostics;

namespace RainForest.Supervisor.Tests.Integration;

/// <summary>The kill -9 soak (scripts/soak), short: 10 trials, each checked from the kernel and the file system.</summary>
/// <remarks>The full run (200 trials, README) takes about 15 minutes and stays out of CI.</remarks>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class SoakTests
{
    [Fact]
    public async Task Soak_TenKilledCommands_LeaveNoOrphan()
    {
        // CellHost builds the agent (and rfm beside it) when this run is the first.
        new CellHost().Dispose();
        var repo = CellHost.FindRepo();
        var rfm = Path.Combine(Path.GetDirectoryName(Environment.GetEnvironmentVariable("RF_AGENT"))!, "rfm");
        var start = new ProcessStartInfo(Path.Combine(repo, "scripts/soak"), ["--trials", "10", "--seed", "1", "--max-delay", "600", "--rfm", rfm])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var soak = Process.Start(start)!;
        var error = soak.StandardError.ReadToEndAsync();
        var output = await soak.StandardOutput.ReadToEndAsync();
        await soak.WaitForExitAsync();

        Assert.True(soak.ExitCode == 0, output + await error);
        Assert.Contains("soak: 10 trial(s)", output, StringComparison.Ordinal);
        Assert.Contains(", 0 failed", output, StringComparison.Ordinal);
    }
}
