using System.Diagnostics;

namespace RainForest.Linux.Fixtures;

/// <summary>
/// The sleepers a test starts to have real pids for its fixtures, ended with the test: the only processes such a test
/// ever signals.
/// </summary>
public sealed class TestSleepers : IDisposable
{
    private readonly List<Process> _started = [];

    /// <summary>Starts <c>sleep 30</c>, which ends with this set at the latest.</summary>
    public Process Start()
    {
        var process = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false }) ?? throw new InvalidOperationException("sleep did not start");
        _started.Add(process);
        return process;
    }

    /// <summary>Kills and reaps each sleeper still running; only the ones this set started.</summary>
    public void Dispose()
    {
        foreach (var process in _started)
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }

            process.Dispose();
        }

        _started.Clear();
    }
}
