using System.Diagnostics;

namespace RainForest.Service.Tests;

/// <summary>
/// The systemd units in <c>contrib/systemd</c> pass <c>systemd-analyze verify</c> (unknown keys, bad calendar
/// specifications and missing sections fail it), with their <c>/opt/rainforest/rfm</c> pointed at a program that exists.
/// </summary>
public sealed class SystemdUnitTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rf-units-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("rainforest.service")]
    [InlineData("rainforest-journal-vacuum.service")]
    [InlineData("rainforest-journal-vacuum.timer")]
    public async Task Unit_Verifies(string unit)
    {
        var contrib = Path.Combine(RepoRoot(), "contrib", "systemd");
        foreach (var file in Directory.GetFiles(contrib))
        {
            File.WriteAllText(Path.Combine(_dir, Path.GetFileName(file)), File.ReadAllText(file).Replace("/opt/rainforest/rfm ", "/bin/true ", StringComparison.Ordinal));
        }

        var verify = new ProcessStartInfo("systemd-analyze", ["verify", Path.Combine(_dir, unit)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(verify)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var stderr = await errors;

        Assert.True(process.ExitCode == 0, $"systemd-analyze verify {unit}: exit {process.ExitCode}: {output}{stderr}");
        Assert.Equal(string.Empty, stderr.Trim());
    }

    private static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "RainForest.slnx")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("RainForest.slnx not found above the test binaries");
        }

        return dir;
    }
}
