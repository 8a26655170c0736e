namespace RainForest.Controller.Probes;

/// <summary>A TCP round trip: the connection's handshake (SYN, SYN-ACK), then close.</summary>
/// <remarks>The accept queue of a saturated server fills, so the handshake slows with it; nothing is sent, so any TCP service can be probed.</remarks>
public sealed class TcpProbeClient(ProbeConnector connector) : IProbeClient
{
    /// <inheritdoc/>
    public async ValueTask ProbeAsync(CancellationToken cancellationToken)
    {
        using var socket = await connector.ConnectAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
