namespace RainForest.Controller.Latency;

/// <summary>Where a policy's windows come from: a prober of its own, or the application's own histogram.</summary>
public interface ILatencySource : IAsyncDisposable
{
    /// <summary>Begins measuring (a prober starts sending; a scraper takes its baseline).</summary>
    void Start();

    /// <summary>Ends the current window and returns what it saw since the previous call (or since <see cref="Start"/>).</summary>
    /// <param name="start">When the window began, on the controller's clock.</param>
    /// <param name="length">How long it lasted.</param>
    /// <param name="percentile">The SLO's percentile.</param>
    /// <param name="cancellationToken">Stops a scrape in progress.</param>
    ValueTask<LatencyWindow> CollectAsync(TimeSpan start, TimeSpan length, double percentile, CancellationToken cancellationToken);
}
