namespace RainForest.Controller.Probes;

/// <summary>One kind of request a prober sends, as a client of the service would.</summary>
public interface IProbeClient : IAsyncDisposable
{
    /// <summary>Sends one request and waits for its whole answer.</summary>
    /// <exception cref="Exception">The request failed (refused, reset, malformed answer); the prober counts it as an error.</exception>
    ValueTask ProbeAsync(CancellationToken cancellationToken);
}
