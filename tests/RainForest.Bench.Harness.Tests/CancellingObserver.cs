using System.Text.RegularExpressions;

namespace RainForest.Bench.Harness.Tests;

/// <summary>Cancels a run when a task whose name starts with a given text begins, and remembers the run's id from its notes.</summary>
internal sealed partial class CancellingObserver(CancellationTokenSource cancel, string taskPrefix) : IBenchObserver
{
    /// <summary>The run id, from the note that names the temporary supervisor's state directory.</summary>
    public string? RunId { get; private set; }

    public void Progress(string task, double fraction)
    {
        if (task.StartsWith(taskPrefix, StringComparison.Ordinal))
        {
            cancel.Cancel();
        }
    }

    public void Info(string message)
    {
        if (StateDirectory().Match(message) is { Success: true } match)
        {
            RunId = match.Groups[1].Value;
        }
    }

    [GeneratedRegex("rf-bench-([0-9a-f]{8})-state")]
    private static partial Regex StateDirectory();
}
