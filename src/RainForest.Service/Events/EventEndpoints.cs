using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using RainForest.Core;
using RainForest.Service.Api;

namespace RainForest.Service.Events;

/// <summary>
/// <c>GET /v1/events</c>: server-sent events, <c>journal</c> (each journal entry as it is committed, its id the
/// entry's id) and <c>decision</c> (the controller's). <c>Last-Event-ID</c> (or <c>?lastEventId=</c>) resumes after
/// that entry, replaying what was committed meanwhile from the ledger.
/// </summary>
internal static class EventEndpoints
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/v1/events", Stream).WithTags("events").WithSummary("Server-sent events: journal entries as they are committed, controller decisions")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");

    private static async Task Stream(HttpContext context, EventHub hub, JournalFeed feed, SupervisorAccess access, IHostApplicationLifetime lifetime, string? lastEventId)
    {
        var resume = ParseId(context.Request.Headers["Last-Event-ID"].FirstOrDefault() ?? lastEventId);

        // A stream ends when its client leaves or the service stops: Kestrel would otherwise wait for open streams
        // (30 s) before a SIGTERM takes effect.
        using var end = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var ct = end.Token;

        // Subscribe before reading the backlog, so that nothing committed in between is lost (duplicates are skipped).
        using var subscription = hub.Subscribe();
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        await context.Response.StartAsync(ct).ConfigureAwait(false);

        // Headers go now, not with the first event: a client knows it is subscribed before anything happens.
        await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
        try
        {
            await SseFormatter.WriteAsync(Items(subscription, resume ?? feed.LastId, resume is not null, access, ct), context.Response.Body, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away, or the service is stopping.
        }
    }

    private static async IAsyncEnumerable<SseItem<string>> Items(
        EventSubscription subscription, long after, bool replay, SupervisorAccess access, [EnumeratorCancellation] CancellationToken ct)
    {
        var last = after;
        if (replay)
        {
            while (true)
            {
                var batch = access.Read(s => s.JournalAfter(last), requireInit: false);
                foreach (var entry in batch)
                {
                    yield return Item(new ServiceEvent(ServiceEvent.Journal, entry.Id, ServiceJson.Serialize(entry)));
                    last = entry.Id;
                }

                if (batch.Count == 0)
                {
                    break;
                }
            }
        }

        await foreach (var e in subscription.Events.ReadAllAsync(ct).ConfigureAwait(false))
        {
            if (e.Id is { } id)
            {
                if (id <= last)
                {
                    continue;
                }

                last = id;
            }

            yield return Item(e);
        }
    }

    private static SseItem<string> Item(ServiceEvent e) =>
        new(e.Data, e.Type) { EventId = e.Id?.ToString(CultureInfo.InvariantCulture) };

    private static long? ParseId(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw RfException.Invalid($"Last-Event-ID {Printable.Escape(text, 40)}: expected a journal entry's id");
    }
}
