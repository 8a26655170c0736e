namespace RainForest.Bench.Load;

/// <summary>
/// A latency-against-load sweep (the paper's Fig. 8): the offered rates to try and the service
/// level that decides where the knee is.
/// </summary>
public sealed record SweepOptions
{
    /// <summary>Offered rates in requests per second; run in ascending order.</summary>
    public IReadOnlyList<double> Rates { get; init; } = [];

    /// <summary>A rate meets the service level only if its 99th percentile latency is below this (microseconds).</summary>
    /// <remarks>The paper takes 200 ms as the endurable tail for Search; memcached needs far less.</remarks>
    public double P99LimitUs { get; init; } = 1000;

    /// <summary>A rate meets the service level only if throughput is at least this fraction of the offered rate.</summary>
    public double MinThroughputFraction { get; init; } = 0.95;

    /// <summary>A rate meets the service level only if errors plus timeouts are at most this fraction of the scheduled requests.</summary>
    public double MaxFailedFraction { get; init; } = 0.01;

    /// <summary>
    /// Rates still run after the first that misses the service level, to show the curve past the
    /// knee; 0 stops at the first miss, <see cref="int.MaxValue"/> runs every rate.
    /// </summary>
    public int RatesPastKnee { get; init; } = 1;

    /// <summary>Idle time between two rates, to let the server settle.</summary>
    public TimeSpan Pause { get; init; } = TimeSpan.Zero;

    /// <summary>Checks every value and throws on the first one that is out of range.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Rates, nameof(Rates));
        if (Rates.Count == 0)
        {
            throw new ArgumentException("Rates must hold at least one rate.", nameof(Rates));
        }

        foreach (double rate in Rates)
        {
            if (!double.IsFinite(rate) || rate <= 0)
            {
                throw new ArgumentException($"Every rate must be positive, not {rate}.", nameof(Rates));
            }
        }

        if (!double.IsFinite(P99LimitUs) || P99LimitUs <= 0)
        {
            throw new ArgumentException($"P99LimitUs must be positive, not {P99LimitUs}.", nameof(P99LimitUs));
        }

        if (!(MinThroughputFraction is >= 0 and <= 1))
        {
            throw new ArgumentException($"MinThroughputFraction must be in [0, 1], not {MinThroughputFraction}.", nameof(MinThroughputFraction));
        }

        if (!(MaxFailedFraction is >= 0 and <= 1))
        {
            throw new ArgumentException($"MaxFailedFraction must be in [0, 1], not {MaxFailedFraction}.", nameof(MaxFailedFraction));
        }

        if (RatesPastKnee < 0)
        {
            throw new ArgumentException($"RatesPastKnee must not be negative, not {RatesPastKnee}.", nameof(RatesPastKnee));
        }

        if (Pause < TimeSpan.Zero)
        {
            throw new ArgumentException($"Pause must not be negative, not {Pause}.", nameof(Pause));
        }
    }
}
