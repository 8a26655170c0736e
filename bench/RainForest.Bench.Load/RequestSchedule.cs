namespace RainForest.Bench.Load;

/// <summary>
/// Every request of a run, computed before the run from a seeded random generator: when it is
/// meant to be sent, which key it names and whether it is a get or a set.
/// </summary>
/// <remarks>
/// Computing the schedule ahead keeps the sender loop free of random numbers and makes a run
/// reproducible: the same options give the same requests whatever the machine's speed. Times are
/// nanoseconds from the start of the run, ascending. <see cref="Random(int)"/> with a seed uses a
/// fixed algorithm in every .NET version, so seeds stay comparable across machines.
/// </remarks>
internal sealed class RequestSchedule
{
    private const double NanosecondsPerSecond = 1e9;

    private readonly long[] _offsetsNs;
    private readonly int[] _keys;
    private readonly bool[] _isGet;

    private RequestSchedule(long[] offsetsNs, int[] keys, bool[] isGet, long firstMeasured)
    {
        _offsetsNs = offsetsNs;
        _keys = keys;
        _isGet = isGet;
        FirstMeasured = firstMeasured;
    }

    /// <summary>Number of scheduled requests, warm-up included.</summary>
    public int Count => _offsetsNs.Length;

    /// <summary>Index of the first request intended at or after the end of the warm-up.</summary>
    public long FirstMeasured { get; }

    /// <summary>Number of requests in the measured part of the run.</summary>
    public long MeasuredCount => Count - FirstMeasured;

    /// <summary>Intended send times, nanoseconds from the start of the run, ascending.</summary>
    public ReadOnlySpan<long> OffsetsNs => _offsetsNs;

    /// <summary>Key index of each request, in [0, KeySpace).</summary>
    public ReadOnlySpan<int> Keys => _keys;

    /// <summary>Whether each request is a get (otherwise a set).</summary>
    public ReadOnlySpan<bool> IsGet => _isGet;

    /// <summary>Number of requests intended in [<paramref name="fromNs"/>, <paramref name="toNs"/>).</summary>
    public long CountBetween(long fromNs, long toNs)
    {
        static int LowerBound(long[] values, long x)
        {
            int i = Array.BinarySearch(values, x);
            if (i < 0)
            {
                return ~i;
            }

            // Equal times can repeat: step back to the first.
            while (i > 0 && values[i - 1] == x)
            {
                i--;
            }

            return i;
        }

        return toNs <= fromNs ? 0 : LowerBound(_offsetsNs, toNs) - LowerBound(_offsetsNs, fromNs);
    }

    /// <summary>Builds the schedule the options describe.</summary>
    public static RequestSchedule Create(LoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        double spanNs = (options.Warmup + options.Duration).Ticks * (NanosecondsPerSecond / TimeSpan.TicksPerSecond);
        double warmupNs = options.Warmup.Ticks * (NanosecondsPerSecond / TimeSpan.TicksPerSecond);
        double meanGapNs = NanosecondsPerSecond / options.Rate;

        // Separate generators for gaps and for request contents, so changing the get ratio or the
        // key space leaves the send times of a seed unchanged.
        var gapRandom = new Random(options.Seed);
        var contentRandom = new Random(unchecked((options.Seed * 31) + 17));

        int capacity = (int)Math.Min(LoadOptions.MaxScheduledRequests, (options.ExpectedRequests * 1.1) + 64);
        var offsets = new List<long>(capacity);
        if (options.RateProfile is { } profile)
        {
            FollowProfile(options, profile, gapRandom, spanNs, warmupNs, offsets);
        }
        else
        {
            double t = 0;
            while (true)
            {
                t += options.Arrival switch
                {
                    // 1 - U lies in (0, 1], so the logarithm is finite.
                    ArrivalProcess.Poisson => -Math.Log(1.0 - gapRandom.NextDouble()) * meanGapNs,
                    _ => meanGapNs,
                };
                if (t >= spanNs)
                {
                    break;
                }

                Add(offsets, t);
            }
        }

        long[] offsetsNs = [.. offsets];
        var keys = new int[offsetsNs.Length];
        var isGet = new bool[offsetsNs.Length];
        for (int i = 0; i < offsetsNs.Length; i++)
        {
            keys[i] = contentRandom.Next(options.KeySpace);
            isGet[i] = contentRandom.NextDouble() < options.GetRatio;
        }

        long firstMeasured = 0;
        while (firstMeasured < offsetsNs.Length && offsetsNs[firstMeasured] < warmupNs)
        {
            firstMeasured++;
        }

        return new RequestSchedule(offsetsNs, keys, isGet, firstMeasured);
    }

    /// <summary>
    /// Send times whose rate follows <paramref name="profile"/>: a Poisson process thinned from one at the
    /// profile's peak rate (each candidate kept with probability rate(t) / peak, which gives exactly the
    /// inhomogeneous process), or uniform gaps of 1 / rate(t).
    /// </summary>
    private static void FollowProfile(LoadOptions options, RateProfile profile, Random gapRandom, double spanNs, double warmupNs, List<long> offsets)
    {
        double peak = profile.MaxRate;
        double RateAt(double ns) => profile.RateAt(Math.Max(0, ns - warmupNs) / NanosecondsPerSecond);
        double t = 0;
        while (true)
        {
            if (options.Arrival == ArrivalProcess.Poisson)
            {
                t += -Math.Log(1.0 - gapRandom.NextDouble()) * (NanosecondsPerSecond / peak);
                if (t >= spanNs)
                {
                    break;
                }

                if (gapRandom.NextDouble() * peak < RateAt(t))
                {
                    Add(offsets, t);
                }

                continue;
            }

            // Uniform: the gap of the rate now; a stretch at rate zero is stepped through a millisecond at a time.
            double rate = RateAt(t);
            t += rate > 0 ? NanosecondsPerSecond / rate : 1e6;
            if (t >= spanNs)
            {
                break;
            }

            if (rate > 0)
            {
                Add(offsets, t);
            }
        }
    }

    private static void Add(List<long> offsets, double t)
    {
        if (offsets.Count >= LoadOptions.MaxScheduledRequests)
        {
            // Validate bounds the expected count; a random run far above its mean still stops here.
            throw new InvalidOperationException($"The schedule would exceed {LoadOptions.MaxScheduledRequests} requests.");
        }

        offsets.Add((long)t);
    }
}
