using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;

namespace RainForest.Service.Events;

/// <summary>The in-process publisher behind <c>GET /v1/events</c>: every subscriber gets every event published after it subscribed.</summary>
/// <remarks>
/// A subscriber that falls <see cref="Backlog"/> events behind is cut off rather than slowing the publisher or losing
/// events silently: its stream ends, and the client reconnects with <c>Last-Event-ID</c> and catches up from the ledger.
/// </remarks>
public sealed class EventHub : IDecisionPublisher
{
    /// <summary>Events a subscriber may have waiting before it is cut off.</summary>
    public const int Backlog = 4096;

    private readonly Lock _lock = new();
    private readonly List<Channel<ServiceEvent>> _subscribers = [];

    /// <summary>Subscribers now (for tests and diagnostics).</summary>
    public int SubscriberCount
    {
        get
        {
            lock (_lock)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>Starts receiving events; dispose the subscription to stop.</summary>
    public EventSubscription Subscribe()
    {
        var channel = Channel.CreateBounded<ServiceEvent>(new BoundedChannelOptions(Backlog) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        lock (_lock)
        {
            _subscribers.Add(channel);
        }

        return new EventSubscription(this, channel);
    }

    /// <summary>Sends an event to every subscriber.</summary>
    public void Publish(ServiceEvent e)
    {
        lock (_lock)
        {
            for (var i = _subscribers.Count - 1; i >= 0; i--)
            {
                if (!_subscribers[i].Writer.TryWrite(e))
                {
                    _subscribers[i].Writer.TryComplete();
                    _subscribers.RemoveAt(i);
                }
            }
        }
    }

    /// <inheritdoc/>
    public void PublishDecision<T>(T decision, JsonTypeInfo<T> type) =>
        Publish(new ServiceEvent(ServiceEvent.Decision, null, JsonSerializer.Serialize(decision, type)));

    internal void Remove(Channel<ServiceEvent> channel)
    {
        lock (_lock)
        {
            _subscribers.Remove(channel);
        }

        channel.Writer.TryComplete();
    }
}
