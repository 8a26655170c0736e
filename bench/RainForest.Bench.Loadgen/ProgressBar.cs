using System.Globalization;
using RainForest.Bench.Load;

namespace RainForest.Bench.Loadgen;

/// <summary>One line on standard error, redrawn in place: time through the run, requests sent and answered.</summary>
internal sealed class ProgressBar : IProgress<LoadProgress>
{
    private const int Width = 30;

    /// <summary>Wipes the bar's line, if there is a bar.</summary>
    public static void Clear(IProgress<LoadProgress>? progress)
    {
        if (progress is ProgressBar)
        {
            Console.Error.Write("\r" + new string(' ', 100) + "\r");
        }
    }

    public void Report(LoadProgress value)
    {
        double fraction = value.Planned > TimeSpan.Zero ? Math.Clamp(value.Elapsed / value.Planned, 0, 1) : 1;
        int filled = (int)(fraction * Width);
        string line = string.Create(
            CultureInfo.InvariantCulture,
            $"\r[{new string('#', filled)}{new string('.', Width - filled)}] {fraction,4:P0} {value.OfferedRate:F0}/s  sent {value.Sent}/{value.Scheduled}  answered {value.Completed}   ");
        Console.Error.Write(line);
    }
}
