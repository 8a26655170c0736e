using System.Threading.Channels;

namespace RainForest.Service.Events;

/// <summary>One subscriber's events from an <see cref="EventHub"/>; dispose it to stop receiving them.</summary>
public sealed class EventSubscription : IDisposable
{
    private readonly EventHub _hub;
    private readonly Channel<ServiceEvent> _channel;

    internal EventSubscription(EventHub hub, Channel<ServiceEvent> channel)
    {
        _hub = hub;
        _channel = channel;
    }

    /// <summary>The events, in publication order; completes when the subscriber was cut off for falling behind.</summary>
    public ChannelReader<ServiceEvent> Events => _channel.Reader;

    /// <inheritdoc/>
    public void Dispose() => _hub.Remove(_channel);
}
