using RainForest.Controller.Probes;

namespace RainForest.Controller.Latency;

/// <summary>Windows from a Prometheus histogram the application exports itself: each window is the difference of two scrapes.</summary>
/// <remarks>The application sees every request, not a sample of probes; the window's percentiles are only as fine as its buckets.</remarks>
public sealed class PrometheusHistogramSource : ILatencySource
{
    private readonly HttpClient _client;
    private readonly Uri _uri;
    private readonly string _metric;
    private PrometheusHistogram? _previous;
    private Task? _baseline;

    /// <summary>Scrapes <paramref name="metric"/> from <paramref name="path"/> on <paramref name="host"/>, connecting through <paramref name="connector"/>.</summary>
    public PrometheusHistogramSource(ProbeConnector connector, string host, string path, string metric, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) => new System.Net.Sockets.NetworkStream(await connector.ConnectAsync(ct).ConfigureAwait(false), ownsSocket: true),
            UseProxy = false,
        };
        _client = new HttpClient(handler) { Timeout = timeout };
        _uri = new UriBuilder("http", host, connector.Port, path).Uri;
        _metric = metric;
    }

    /// <inheritdoc/>
    public void Start() => _baseline ??= Task.Run(async () => _previous = await ScrapeAsync(CancellationToken.None).ConfigureAwait(false));

    /// <inheritdoc/>
    public async ValueTask<LatencyWindow> CollectAsync(TimeSpan start, TimeSpan length, double percentile, CancellationToken cancellationToken)
    {
        if (_baseline is not null)
        {
            try
            {
                await _baseline.ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or InvalidDataException or TaskCanceledException)
            {
                // No baseline: this scrape becomes one.
            }

            _baseline = null;
        }

        var now = await ScrapeAsync(cancellationToken).ConfigureAwait(false);

        // Without an earlier scrape the counts cover the application's whole life, not this window.
        var window = _previous is null
            ? new LatencyWindow(start, length, 0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero)
            : now.WindowSince(_previous, start, length, percentile);
        _previous = now;
        return window;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<PrometheusHistogram> ScrapeAsync(CancellationToken cancellationToken)
    {
        var text = await _client.GetStringAsync(_uri, cancellationToken).ConfigureAwait(false);
        return PrometheusHistogram.Parse(text, _metric);
    }
}
