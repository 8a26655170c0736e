namespace RainForest.Bench.Load;

/// <summary>A snapshot of a run in progress, for a progress bar.</summary>
/// <param name="OfferedRate">The run's offered rate, requests per second.</param>
/// <param name="Scheduled">Requests in the whole schedule, warm-up included.</param>
/// <param name="Sent">Requests written so far.</param>
/// <param name="Completed">Responses received so far (errors included).</param>
/// <param name="Elapsed">Time since the first intended send.</param>
/// <param name="Planned">Warm-up plus duration: when the last request is meant to be sent.</param>
public readonly record struct LoadProgress(
    double OfferedRate, long Scheduled, long Sent, long Completed, TimeSpan Elapsed, TimeSpan Planned);
