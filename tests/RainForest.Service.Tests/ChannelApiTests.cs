using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace RainForest.Service.Tests;

/// <summary>The channel endpoints and the ring metrics over the real socket (root).</summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class ChannelApiTests
{
    [RootFact]
    public async Task Channel_CreatedThroughTheApi_IsRfmsChannel_WithRingMetrics_UntilDestroyed()
    {
        using var host = new ServiceHost();
        Assert.Equal(HttpStatusCode.Created, (await host.CreateAsync("a", memory: "256M")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await host.CreateAsync("b", memory: "256M")).StatusCode);

        var created = await host.Client.PostAsJsonAsync("/v1/channels", new { name = "ch", members = new[] { "a", "b" }, mode = "broadcast", slots = 64, maxMessage = "1K" });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var (code, ls, _) = host.Rfm("channel", "ls", "--json");
        Assert.Equal(0, code);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(ls), JsonNode.Parse(await host.Client.GetStringAsync("/v1/channels"))));
        Assert.Equal("broadcast", (string)JsonNode.Parse(await host.Client.GetStringAsync("/v1/channels/ch"))!["mode"]!);

        // A message sent inside a: one slot written into each ring, none read yet.
        Assert.Equal(0, host.Rfm("exec", "a", "--", "rfcom", "send", "ch", "hello").ExitCode);
        var metrics = await host.Client.GetStringAsync("/metrics");
        Assert.Contains("rainforest_subos_channel_capacity_slots{subos=\"a\",channel=\"ch\"} 64", metrics, StringComparison.Ordinal);
        Assert.Contains("rainforest_subos_channel_written_slots_total{subos=\"b\",channel=\"ch\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("rainforest_subos_channel_pending_slots{subos=\"b\",channel=\"ch\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("rainforest_subos_channel_read_slots_total{subos=\"b\",channel=\"ch\"} 0", metrics, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.DeleteAsync("/v1/channels/ch")).StatusCode);
        Assert.Equal("[]", host.Rfm("channel", "ls", "--json").Stdout.Trim());
        Assert.DoesNotContain("channel=\"ch\"", await host.Client.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }
}
