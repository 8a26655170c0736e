using RainForest.Bench.Harness.Interference;
using RainForest.Bench.Report;
using RainForest.Core;

namespace RainForest.Bench.Harness.Colocate;

/// <summary>What the colocation experiment runs, by mode.</summary>
internal sealed record ColocateSettings
{
    /// <summary>Memory of each instance.</summary>
    public static ByteSize InstanceMemory { get; } = ByteSize.FromMiB(2048);

    /// <summary>memcached's cache size in MB (-m).</summary>
    public const int MemcachedMegabytes = 256;

    /// <summary>The batch jobs run next to memcached, one at a time.</summary>
    public required IReadOnlyList<Stressor> Batches { get; init; }

    /// <summary>The offered load of the colocation runs, requests per second.</summary>
    public required double Rate { get; init; }

    /// <summary>Measured time of each colocation run.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>Unmeasured sends before it.</summary>
    public required TimeSpan Warmup { get; init; }

    /// <summary>The load generator's TCP connections.</summary>
    public required int Connections { get; init; }

    /// <summary>Distinct keys (all stored before the first run).</summary>
    public int KeySpace { get; init; } = 10_000;

    /// <summary>How long a batch runs before the load starts.</summary>
    public required TimeSpan Ramp { get; init; }

    /// <summary>The sweep's total offered rates (split evenly over the two memcached instances), ascending.</summary>
    public required IReadOnlyList<double> SweepRates { get; init; }

    /// <summary>Measured time of each sweep point.</summary>
    public required TimeSpan SweepDuration { get; init; }

    /// <summary>The p99 latency that defines the knee, in microseconds.</summary>
    /// <remarks>
    /// memcached answers in tens of microseconds on an idle core, but on a shared two-core machine the load
    /// generator itself sends up to a few milliseconds late at p99 even at 1000 req/s (its lateness counts in the
    /// latency). 5 ms sits above that floor, so the knee marks the server falling behind, not the client's noise.
    /// The paper's 200 ms is for Search, a service a thousand times slower.
    /// </remarks>
    public double P99LimitUs { get; init; } = 5000;

    /// <summary>The settings for <paramref name="options"/>.</summary>
    public static ColocateSettings For(BenchOptions options)
    {
        IReadOnlyList<Stressor> batches = options.Workloads is { } names ? Stressor.Parse(names) : options.Mode == BenchMode.Smoke ? [Stressor.Cpu] : Stressor.All;
        return options.Mode switch
        {
            BenchMode.Smoke => new ColocateSettings
            {
                Batches = batches,
                Rate = options.Rate ?? 2000,
                Duration = options.Duration ?? TimeSpan.FromSeconds(0.5),
                Warmup = TimeSpan.FromSeconds(0.2),
                Connections = 8,
                Ramp = TimeSpan.FromMilliseconds(200),
                SweepRates = [2000],
                SweepDuration = options.Duration ?? TimeSpan.FromSeconds(0.5),
            },
            BenchMode.Quick => new ColocateSettings
            {
                Batches = batches,
                Rate = options.Rate ?? 2000,
                Duration = options.Duration ?? TimeSpan.FromSeconds(3),
                Warmup = TimeSpan.FromSeconds(0.5),
                Connections = 32,
                Ramp = TimeSpan.FromMilliseconds(500),
                SweepRates = [1000, 2000, 4000, 8000, 16_000, 32_000],
                SweepDuration = options.Duration ?? TimeSpan.FromSeconds(2),
            },
            _ => new ColocateSettings
            {
                Batches = batches,
                Rate = options.Rate ?? 2000,
                Duration = options.Duration ?? TimeSpan.FromSeconds(20),
                Warmup = TimeSpan.FromSeconds(2),
                Connections = 32,
                Ramp = TimeSpan.FromSeconds(1),
                SweepRates = [1000, 2000, 4000, 6000, 8000, 12_000, 16_000, 24_000, 32_000, 48_000, 64_000],
                SweepDuration = options.Duration ?? TimeSpan.FromSeconds(10),
            },
        };
    }
}
