namespace RainForest.Service.Events;

/// <summary>One server-sent event: its type, its id (journal entries only) and its data, one JSON document.</summary>
/// <param name="Type"><see cref="ServiceEvent.Journal"/> or <see cref="ServiceEvent.Decision"/>.</param>
/// <param name="Id">The journal entry's id, which a client resumes from with <c>Last-Event-ID</c>; null for decisions.</param>
/// <param name="Data">The event's JSON.</param>
public sealed record ServiceEvent(string Type, long? Id, string Data)
{
    /// <summary>A journal entry was committed (by the service, rfm, or anyone else using the ledger).</summary>
    public const string Journal = "journal";

    /// <summary>A controller decision (reserved for the controller; its moves are journalled as well).</summary>
    public const string Decision = "decision";
}
