using RainForest.Bench.Report;
using RainForest.Core;

namespace RainForest.Bench.Harness.Elastic;

/// <summary>What the agility experiment runs, by mode.</summary>
internal sealed record ElasticSettings
{
    /// <summary>Memory of each subOS.</summary>
    public static ByteSize InstanceMemory { get; } = ByteSize.FromMiB(1024);

    /// <summary>How long the trace plays on each system; null plays it at its own length.</summary>
    public TimeSpan? Length { get; init; }

    /// <summary>The base window: latencies are reported, and the SLO checked, per window of this length.</summary>
    public required TimeSpan Window { get; init; }

    /// <summary>The threshold policy's window: the paper's 10 s; 2 s in smoke runs, whose traces are shorter than 10 s.</summary>
    public TimeSpan ThresholdWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Unmeasured sends before the trace starts.</summary>
    public required TimeSpan Warmup { get; init; }

    /// <summary>The load generator's TCP connections.</summary>
    public required int Connections { get; init; }

    /// <summary>Distinct keys, all stored before the replay.</summary>
    public int KeySpace { get; init; } = 10_000;

    /// <summary>The trace's peak, requests per second: the trace is scaled so that its highest point offers this.</summary>
    public required double PeakRate { get; init; }

    /// <summary>The service level: the p99 latency of a window must not exceed this, milliseconds.</summary>
    public required double SloMs { get; init; }

    /// <summary>The settings for <paramref name="options"/>.</summary>
    public static ElasticSettings For(BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Mode switch
        {
            BenchMode.Smoke => new ElasticSettings
            {
                Length = TimeSpan.FromSeconds(8),
                Window = TimeSpan.FromMilliseconds(500),
                ThresholdWindow = TimeSpan.FromSeconds(2),
                Warmup = TimeSpan.FromSeconds(0.5),
                Connections = 8,
                PeakRate = 4000,
                SloMs = ElasticDefaults.SloMs,
            },
            BenchMode.Quick => new ElasticSettings
            {
                Length = TimeSpan.FromSeconds(90),
                Window = TimeSpan.FromSeconds(1),
                Warmup = TimeSpan.FromSeconds(1),
                Connections = 16,
                PeakRate = ElasticDefaults.PeakRate,
                SloMs = ElasticDefaults.SloMs,
            },
            _ => new ElasticSettings
            {
                Length = null,
                Window = TimeSpan.FromSeconds(1),
                Warmup = TimeSpan.FromSeconds(2),
                Connections = 16,
                PeakRate = ElasticDefaults.PeakRate,
                SloMs = ElasticDefaults.SloMs,
            },
        };
        return settings with
        {
            Length = options.Duration ?? settings.Length,
            PeakRate = options.Rate ?? settings.PeakRate,
            SloMs = options.SloMs ?? settings.SloMs,
        };
    }
}
