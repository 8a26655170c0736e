using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using RainForest.Service.Events;

namespace RainForest.Service.Tests;

/// <summary><c>GET /v1/events</c> over the real socket: journal entries by anyone, resume, decisions.</summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class EventTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    [RootFact]
    public async Task Events_DeliverAJournalEntryTheCliCommitted()
    {
        using var host = new ServiceHost();
        await host.CreateAsync("ev");
        await WaitForFeed(host);
        using var events = await SseReader.OpenAsync(host.Client, "/v1/events");

        // rfm, another process, commits; the service learns of it only through the ledger.
        var (code, _, stderr) = host.Rfm("resize", "ev", "--memory", "300M");
        Assert.True(code == 0, stderr);

        var (type, id, data) = await NextJournal(events, "resize");
        Assert.Equal(ServiceEvent.Journal, type);
        var entry = JsonNode.Parse(data)!;
        Assert.Equal("ev", (string)entry["target"]!);
        Assert.Equal("ok", (string)entry["outcome"]!);
        Assert.Equal((long)entry["id"]!, long.Parse(id!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [RootFact]
    public async Task LastEventId_ReplaysWhatWasCommittedSince()
    {
        using var host = new ServiceHost();
        await host.CreateAsync("rs");
        var before = JsonNode.Parse(await host.Client.GetStringAsync("/v1/journal?last=1"))!.AsArray()[0]!;
        var beforeId = (long)before["id"]!;
        Assert.Equal(0, host.Rfm("resize", "rs", "--memory", "300M").ExitCode);
        Assert.Equal(0, host.Rfm("resize", "rs", "--memory", "320M").ExitCode);

        using var events = await SseReader.OpenAsync(host.Client, "/v1/events", lastEventId: $"{beforeId}");
        var first = await events.NextAsync(s_wait);
        var second = await events.NextAsync(s_wait);
        Assert.Equal($"{beforeId + 1}", first.Id);
        Assert.Equal($"{beforeId + 2}", second.Id);
        Assert.Contains("320", JsonNode.Parse(second.Data)!["after"]!.ToString(), StringComparison.Ordinal);
    }

    [RootFact]
    public async Task Decisions_PostedInProcess_ReachClientsWithoutAnId()
    {
        using var host = new ServiceHost();
        await WaitForFeed(host);
        using var events = await SseReader.OpenAsync(host.Client, "/v1/events");
        var hub = host.Services.GetRequiredService<EventHub>();
        await WaitUntil(() => hub.SubscriberCount > 0);

        hub.PublishDecision(new ServiceEvent("probe", 7, "x"), TestJsonContext.Default.ServiceEvent);

        var (type, id, data) = await events.NextAsync(s_wait);
        Assert.Equal(ServiceEvent.Decision, type);
        Assert.Null(id);
        Assert.Equal("probe", (string)JsonNode.Parse(data)!["type"]!);
    }

    private static async Task<(string? Type, string? Id, string Data)> NextJournal(SseReader events, string operation)
    {
        while (true)
        {
            var e = await events.NextAsync(s_wait);
            if (e.Type == ServiceEvent.Journal && (string)JsonNode.Parse(e.Data)!["operation"]! == operation)
            {
                return e;
            }
        }
    }

    private static Task WaitForFeed(ServiceHost host)
    {
        var feed = host.Services.GetRequiredService<JournalFeed>();
        return WaitUntil(() => feed.LastId >= 0);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + s_wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(20);
        }
    }
}
