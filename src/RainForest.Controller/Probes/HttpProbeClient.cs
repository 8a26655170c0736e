using System.Net;

namespace RainForest.Controller.Probes;

/// <summary>HTTP GET round trips (the whole response read); any status is an answer, a failed connection is an error.</summary>
public sealed class HttpProbeClient : IProbeClient
{
    private readonly HttpClient _client;
    private readonly Uri _uri;

    /// <summary>Probes <paramref name="pathAndQuery"/> on <paramref name="host"/>, connecting through <paramref name="connector"/>.</summary>
    /// <param name="connector">Where connections go (the address <paramref name="host"/> resolves to, in the right namespace).</param>
    /// <param name="host">The Host header's name (as the service's clients use it).</param>
    /// <param name="pathAndQuery">The request path.</param>
    public HttpProbeClient(ProbeConnector connector, string host, string pathAndQuery)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) => new System.Net.Sockets.NetworkStream(await connector.ConnectAsync(ct).ConfigureAwait(false), ownsSocket: true),
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _uri = new UriBuilder("http", host, connector.Port) { Path = pathAndQuery.Split('?')[0], Query = pathAndQuery.Contains('?', StringComparison.Ordinal) ? pathAndQuery[(pathAndQuery.IndexOf('?', StringComparison.Ordinal) + 1)..] : string.Empty }.Uri;
    }

    /// <inheritdoc/>
    public async ValueTask ProbeAsync(CancellationToken cancellationToken)
    {
        using var response = await _client.GetAsync(_uri, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
