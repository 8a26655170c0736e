namespace RainForest.Bench.Load;

/// <summary>
/// Runs the generator at increasing offered rates and finds the knee: the highest rate that still
/// meets a tail-latency service level (the paper's Fig. 8: latency against load, with the
/// "endurable limit" of the tail deciding each system's maximum throughput).
/// </summary>
public static class LoadSweep
{
    /// <summary>
    /// Runs <paramref name="baseOptions"/> at each of the sweep's rates, ascending, stopping
    /// <see cref="SweepOptions.RatesPastKnee"/> rates after the first that misses the service level.
    /// </summary>
    /// <remarks>
    /// The preload, if any, runs before the first rate only: the keys stay in the server. Each
    /// rate uses the same seed, so runs differ only in their rate.
    /// </remarks>
    /// <param name="baseOptions">Everything but the rate.</param>
    /// <param name="sweep">The rates and the service level.</param>
    /// <param name="progress">Passed to each run; <see cref="LoadProgress.OfferedRate"/> tells the runs apart.</param>
    /// <param name="cancellationToken">Stops the sweep.</param>
    public static Task<SweepResult> RunAsync(
        LoadOptions baseOptions,
        SweepOptions sweep,
        IProgress<LoadProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(baseOptions, sweep, LoadGenerator.RunAsync, progress, cancellationToken);

    /// <summary>Whether a run met the service level: p99 below the limit, throughput close to the offer, few failures.</summary>
    public static bool MeetsServiceLevel(LoadResult result, SweepOptions sweep)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(sweep);
        double failedFraction = result.Scheduled == 0 ? 1 : (double)(result.Errors + result.Timeouts) / result.Scheduled;
        return result.Completed > 0
            && result.P99Us < sweep.P99LimitUs
            && result.Throughput >= sweep.MinThroughputFraction * result.OfferedRate
            && failedFraction <= sweep.MaxFailedFraction;
    }

    /// <summary>
    /// The knee of results ordered by ascending rate: the index of the last result before the first
    /// that misses the service level, or -1 when the first already misses it.
    /// </summary>
    /// <remarks>
    /// A rate that meets the service level again after a miss is noise, not capacity: the knee is
    /// where the curve first breaks.
    /// </remarks>
    public static int FindKnee(IReadOnlyList<LoadResult> results, SweepOptions sweep)
    {
        ArgumentNullException.ThrowIfNull(results);
        for (int i = 0; i < results.Count; i++)
        {
            if (!MeetsServiceLevel(results[i], sweep))
            {
                return i - 1;
            }
        }

        return results.Count - 1;
    }

    /// <summary>The sweep with the run replaced, so the stopping rule and knee can be tested without a server.</summary>
    internal static async Task<SweepResult> RunAsync(
        LoadOptions baseOptions,
        SweepOptions sweep,
        Func<LoadOptions, IProgress<LoadProgress>?, CancellationToken, Task<LoadResult>> run,
        IProgress<LoadProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseOptions);
        ArgumentNullException.ThrowIfNull(sweep);
        sweep.Validate();

        var points = new List<SweepPoint>();
        int pastKnee = -1;
        LoadOptions options = baseOptions;
        foreach (double rate in sweep.Rates.Order())
        {
            if (points.Count > 0 && sweep.Pause > TimeSpan.Zero)
            {
                await Task.Delay(sweep.Pause, cancellationToken).ConfigureAwait(false);
            }

            LoadResult result = await run(options with { Rate = rate }, progress, cancellationToken).ConfigureAwait(false);
            bool meets = MeetsServiceLevel(result, sweep);
            points.Add(new SweepPoint(rate, meets, result));
            options = options with { PreloadFraction = 0 };

            if (pastKnee >= 0 || !meets)
            {
                pastKnee++;
                if (pastKnee >= sweep.RatesPastKnee)
                {
                    break;
                }
            }
        }

        return new SweepResult
        {
            Options = sweep,
            Points = points,
            KneeIndex = FindKnee([.. points.Select(p => p.Result)], sweep),
        };
    }
}
