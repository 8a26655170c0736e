using System.Text.Json.Serialization.Metadata;

namespace RainForest.Service.Events;

/// <summary>Where the controller posts its decisions, which <c>GET /v1/events</c> streams as <c>decision</c> events.</summary>
/// <remarks>
/// Decisions carry no event id: a client that reconnects resumes from the journal (<c>Last-Event-ID</c>), which records
/// every move the controller makes; a decision that changed nothing is only seen live.
/// </remarks>
public interface IDecisionPublisher
{
    /// <summary>Sends a decision to every connected client, serialised with <paramref name="type"/>.</summary>
    void PublishDecision<T>(T decision, JsonTypeInfo<T> type);
}
