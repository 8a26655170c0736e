using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RainForest.Service.Events;
using Xunit.Abstractions;

namespace RainForest.Service.Tests;

/// <summary>
/// The service runs the policies: memcached in an RFloop subOS, probed from inside its namespace under a threshold policy
/// whose upper threshold no real round trip meets, so the first window moves the donor's CPU, which the journal, the event
/// stream, the stats endpoint and <c>/metrics</c> each show.
/// </summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed partial class PolicyServiceTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    [RootFact]
    public async Task Service_ThresholdPolicyOverItsSlo_MovesACpu_JournalsIt_StreamsTheDecision_AndExportsItsMetrics()
    {
        using var host = new ServiceHost();
        await PolicyApiTests.CreatePairAsync(host, webNet: "loop");
        var (code, _, stderr) = host.Rfm("exec", "web", "--", "memcached", "-d", "-u", "nobody", "-p", "11211", "-m", "16");
        Assert.True(code == 0, stderr);
        using var events = await SseReader.OpenAsync(host.Client, "/v1/events");

        // One-second windows of 500 round trips each; (lt, ut) = (8us, 10us): no round trip through a network stack is that fast.
        var put = await host.Client.PutAsJsonAsync("/v1/policies/web", new
        {
            donor = "batch", slo = "p99<=10us", probe = "memcached://web.rf:11211", policy = "threshold", window = "1s", rate = 500,
        });
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());

        // The decision, as SSE clients see it: who, what, why, when.
        JsonNode decision;
        try
        {
            decision = await NextDecision(events);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"no decision within {s_wait.TotalSeconds} s; stats: {await host.Client.GetStringAsync("/v1/policies/web/stats")}");
            throw;
        }

        Assert.Equal(("web", "batch", "threshold", "+1 cpu", 1, true), ((string)decision["taker"]!, (string)decision["donor"]!, (string)decision["policy"]!, (string)decision["step"]!, (int)decision["cpus"]!, (bool)decision["applied"]!));
        Assert.Equal((1, 1, 2, 0), ((int)decision["before"]!["takerCpus"]!, (int)decision["before"]!["donorCpus"]!, (int)decision["after"]!["takerCpus"]!, (int)decision["after"]!["donorCpus"]!));
        var latency = (string)decision["latency"]!;
        Assert.True((double)decision["latencyMs"]! > 0.01, latency);
        Assert.StartsWith($"p99 {latency} > ut 10us over the last ", (string)decision["reason"]!, StringComparison.Ordinal);
        Assert.InRange(DateTimeOffset.Parse((string)decision["time"]!, CultureInfo.InvariantCulture), DateTimeOffset.UtcNow - s_wait, DateTimeOffset.UtcNow);

        // The move is a loan in the ledger, journalled as lend and borrow with the latency that triggered it.
        using (var cli = host.OpenCli())
        {
            Assert.Equal(2, cli.Show("web").Record.Cpus.Count);
            Assert.True(cli.Show("batch").Parked);
            var lend = cli.Journal().Last(e => e.Operation == "lend");
            Assert.Equal("batch", lend.Target);
            Assert.StartsWith($"1 cpu batch -> web: threshold policy of web: p99 {latency} > ut 10us over the last ", lend.Message, StringComparison.Ordinal);
            Assert.Equal("web", cli.Journal().Last(e => e.Operation == "borrow").Target);
        }

        // The stats endpoint and the metrics carry it.
        var stats = JsonNode.Parse(await host.Client.GetStringAsync("/v1/policies/web/stats"))!;
        Assert.True((bool)stats["running"]!);
        Assert.Equal(1L, (long)stats["moves"]!);
        Assert.Equal("+1 cpu", (string)stats["lastDecision"]!["step"]!);
        Assert.True((long)stats["lastWindow"]!["count"]! > 0, stats.ToJsonString());
        Assert.NotEmpty(stats["recent"]!.AsArray());
        var metrics = Samples(await host.Client.GetStringAsync("/metrics"));
        Assert.Equal(1e-5, metrics[("rainforest_policy_slo_seconds", "policy=\"web\",quantile=\"0.99\"")], 9);
        Assert.True(metrics[("rainforest_policy_latency_seconds", "policy=\"web\",quantile=\"0.99\"")] > 1e-5);
        Assert.True(metrics.ContainsKey(("rainforest_policy_latency_seconds", "policy=\"web\",quantile=\"0.5\"")));
        Assert.Equal(1, metrics[("rainforest_policy_moves_total", "policy=\"web\",direction=\"grow\"")]);

        // Removed from the shell: the service stops its loop and its series end.
        Assert.Equal(0, host.Rfm("policy", "rm", "web").ExitCode);
        await WaitUntil(async () => !(await host.Client.GetStringAsync("/metrics")).Contains("policy=\"web\"", StringComparison.Ordinal), "the policy's series to end");
        Assert.Single(JsonNode.Parse(await host.Client.GetStringAsync("/v1/loans"))!.AsArray());
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsJsonAsync("/v1/reclaim", new { all = true })).StatusCode);
    }

    [RootFact]
    public async Task Service_PolicySetFromTheShell_IsRunWithinASecond()
    {
        using var host = new ServiceHost();
        await PolicyApiTests.CreatePairAsync(host, webNet: "loop");
        Assert.Equal(0, host.Rfm("exec", "web", "--", "memcached", "-d", "-u", "nobody", "-p", "11211", "-m", "16").ExitCode);

        // A generous SLO and a long window: nothing moves, the loop only runs.
        var set = DateTime.UtcNow;
        var (code, _, stderr) = host.Rfm("policy", "set", "web", "--slo", "p99<=1s", "--probe", "memcached://web.rf:11211", "--donor", "batch", "--policy", "slack", "--rate", "20");
        Assert.True(code == 0, stderr);
        Assert.DoesNotContain("no 'rfm serve' runs", stderr, StringComparison.Ordinal);
        await WaitUntil(async () => (bool)JsonNode.Parse(await host.Client.GetStringAsync("/v1/policies/web/stats"))!["running"]!, "the service to run the policy");
        output.WriteLine($"rfm policy set to a running loop: {(DateTime.UtcNow - set).TotalMilliseconds:F0} ms (rfm's own run included)");
        await WaitUntil(async () => (long)JsonNode.Parse(await host.Client.GetStringAsync("/v1/policies/web/stats"))!["windows"]! > 0, "a window");
    }

    private static async Task<JsonNode> NextDecision(SseReader events)
    {
        var deadline = DateTime.UtcNow + s_wait;
        while (true)
        {
            var e = await events.NextAsync(deadline - DateTime.UtcNow);
            if (e.Type == ServiceEvent.Decision)
            {
                return JsonNode.Parse(e.Data)!;
            }
        }
    }

    private static Dictionary<(string Name, string Labels), double> Samples(string text) =>
        SampleLine().Matches(text).ToDictionary(
            m => (m.Groups["name"].Value, m.Groups["labels"].Value),
            m => double.Parse(m.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture));

    private static async Task WaitUntil(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + s_wait;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)$", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
