using System.Diagnostics;

namespace RainForest.Channels.Tests;

/// <summary>
/// Builds librfcom.so (a NativeAOT publish) and the C test program once per test run, with
/// tests/native/build.sh, into a temporary directory that is removed afterwards.
/// </summary>
public sealed class NativeBuildFixture : IDisposable
{
    public NativeBuildFixture()
    {
        OutputDirectory = Path.Combine(Path.GetTempPath(), $"rf-native-{Guid.NewGuid():N}");
        var script = Path.Combine(RepositoryRoot.Find(), "tests", "native", "build.sh");
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(OutputDirectory);

        // The test host runs under MSBuild's environment; a nested build must find its own SDK.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        using var build = Process.Start(info) ?? throw new InvalidOperationException("could not start build.sh");
        var output = build.StandardOutput.ReadToEndAsync();
        var errors = build.StandardError.ReadToEndAsync();
        if (!build.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            build.Kill(entireProcessTree: true);
            throw new TimeoutException("tests/native/build.sh did not finish within 10 minutes");
        }

        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"tests/native/build.sh failed ({build.ExitCode}):\n{output.Result}\n{errors.Result}");
        }
    }

    public string OutputDirectory { get; }

    public string TestProgram => Path.Combine(OutputDirectory, "rfcom_test");

    public void Dispose()
    {
        if (Directory.Exists(OutputDirectory))
        {
            Directory.Delete(OutputDirectory, recursive: true);
        }
    }
}
