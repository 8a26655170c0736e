using RainForest.Bench.Load;

namespace RainForest.Bench.Harness.Elastic;

/// <summary>What one system did over the whole trace.</summary>
internal sealed record SystemRun
{
    /// <summary>The system.</summary>
    public required string System { get; init; }

    /// <summary>The round it ran in, from 1 (<c>--rounds</c>).</summary>
    public int Round { get; init; } = 1;

    /// <summary>Every window, in order.</summary>
    public required IReadOnlyList<WindowRecord> Windows { get; init; }

    /// <summary>The load generator's result over the whole trace; null in the simulation.</summary>
    public LoadResult? Load { get; init; }

    /// <summary>Overall latency percentiles, ms.</summary>
    public required double P50Ms { get; init; }

    /// <summary>Overall p99, ms.</summary>
    public required double P99Ms { get; init; }

    /// <summary>Overall p99.9, ms.</summary>
    public required double P999Ms { get; init; }

    /// <summary>Batch jobs finished (in the simulation: units of batch work).</summary>
    public required double BatchFinished { get; init; }

    /// <summary>CPU moves the controller made (each lend or return of one CPU or part of one counts once).</summary>
    public required int Moves { get; init; }

    /// <summary>Requests answered per second over the trace.</summary>
    public double? Throughput { get; init; }

    /// <summary>Errors and timeouts.</summary>
    public long? Failed { get; init; }
}
