using System.Diagnostics;

namespace RainForest.Supervisor;

/// <summary>Prints how long each phase of an operation took when RF_TRACE=1: the tool's own profiler.</summary>
internal sealed class PhaseTrace
{
    private static readonly bool s_enabled = Environment.GetEnvironmentVariable("RF_TRACE") == "1";
    private readonly string _operation;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public PhaseTrace(string operation) => _operation = operation;

    public void Mark(string phase)
    {
        if (s_enabled)
        {
            Console.Error.WriteLine($"rfm: trace {_operation} {phase}: {_clock.Elapsed.TotalMilliseconds:0.00} ms");
            _clock.Restart();
        }
    }
}
