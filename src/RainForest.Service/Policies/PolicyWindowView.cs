using RainForest.Controller.Latency;

namespace RainForest.Service.Policies;

/// <summary>One observation window of a policy, as the service reports it: when it ended, how many answers, its percentiles in milliseconds.</summary>
/// <param name="Time">When the window ended (the service's clock).</param>
/// <param name="LengthMs">How long it lasted.</param>
/// <param name="Count">Responses in it (0: no evidence either way).</param>
/// <param name="Errors">Requests that failed or timed out (counted in the percentiles at their timeout).</param>
/// <param name="P50Ms">Median.</param>
/// <param name="P99Ms">99th percentile.</param>
/// <param name="P999Ms">99.9th percentile.</param>
/// <param name="TailMs">The value at the SLO's percentile: what the policy acts on.</param>
/// <param name="WithinSlo">Whether the window met the SLO (null for an empty window).</param>
public sealed record PolicyWindowView(DateTimeOffset Time, double LengthMs, long Count, long Errors, double P50Ms, double P99Ms, double P999Ms, double TailMs, bool? WithinSlo)
{
    /// <summary>The view of a window that ended at <paramref name="time"/>.</summary>
    public static PolicyWindowView Of(LatencyWindow w, bool met, DateTimeOffset time) => new(
        time, w.Length.TotalMilliseconds, w.Count, w.Errors, w.P50.TotalMilliseconds, w.P99.TotalMilliseconds, w.P999.TotalMilliseconds,
        w.Tail.TotalMilliseconds, w.IsEmpty ? null : met);
}
