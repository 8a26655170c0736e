using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RainForest.Core.Elastic;

namespace RainForest.Service.Tests;

/// <summary>The policy and loan endpoints over the real Unix socket, against the real kernel (root, as in CI).</summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class PolicyApiTests
{
    // A window no test waits for: the service runs these policies, and they must not move anything here.
    private static readonly object s_webPolicy = new { donor = "batch", slo = "p99<=5ms", probe = "memcached://web.rf:11211", policy = "threshold", window = "10m", rate = 20 };

    [RootFact]
    public async Task Policies_SetOverHttp_SeenByTheCli_AndTheCliLikewise_InTheCliJsonShape()
    {
        using var host = new ServiceHost();
        await CreatePairAsync(host);

        var put = await host.Client.PutAsJsonAsync("/v1/policies/web", s_webPolicy);
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        var (code, shown, stderr) = host.Rfm("policy", "show", "web", "--json");
        Assert.True(code == 0, stderr);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(shown), JsonNode.Parse(await put.Content.ReadAsStringAsync())), $"CLI: {shown}");
        using (var cli = host.OpenCli())
        {
            var spec = Assert.Single(cli.Policies());
            Assert.Equal(("web", "batch", PolicyKind.Threshold, TimeSpan.FromMinutes(10), 20), (spec.Taker, spec.Donor, spec.Kind, spec.Window, spec.ProbeRate));
        }

        // From the shell (another process): the next request sees it, in rfm's own --json shape.
        (code, _, stderr) = host.Rfm("policy", "set", "batch", "--slo", "p95<=20ms", "--probe", "tcp://127.0.0.1:9", "--donor", "web", "--policy", "slack", "--window", "1s");
        Assert.True(code == 0, stderr);
        var listed = await host.Client.GetStringAsync("/v1/policies");
        var (_, cliList, _) = host.Rfm("policy", "ls", "--json");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(cliList), JsonNode.Parse(listed)), $"API: {listed}\nCLI: {cliList}");
        Assert.Equal(["batch", "web"], JsonNode.Parse(listed)!.AsArray().Select(p => (string)p!["taker"]!));
        Assert.Equal("p95<=20ms", (string)JsonNode.Parse(await host.Client.GetStringAsync("/v1/policies/batch"))!["slo"]!);

        // All of it is in the OpenAPI document.
        var paths = JsonNode.Parse(await host.Client.GetStringAsync("/openapi/v1.json"))!["paths"]!.AsObject();
        Assert.All(["/v1/policies", "/v1/policies/{taker}", "/v1/policies/{taker}/stats", "/v1/lend", "/v1/reclaim", "/v1/loans", "/v1/idle/{taker}"], p => Assert.True(paths.ContainsKey(p), p));

        // Stats exist for every stored policy, running or not yet.
        var stats = JsonNode.Parse(await host.Client.GetStringAsync("/v1/policies/web/stats"))!;
        Assert.Equal(("p99", 5.0, 0L), ((string)stats["percentile"]!, (double)stats["sloMs"]!, (long)stats["moves"]!));

        // Removal through HTTP, seen by the CLI; a second removal is 404 (exit code 2), as is a show.
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.DeleteAsync("/v1/policies/web")).StatusCode);
        using (var cli = host.OpenCli())
        {
            Assert.Equal(["batch"], cli.Policies().Select(p => p.Taker));
        }

        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.DeleteAsync("/v1/policies/web")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/v1/policies/web")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/v1/policies/web/stats")).StatusCode);

        // And a removal from the shell.
        Assert.Equal(0, host.Rfm("policy", "rm", "batch").ExitCode);
        Assert.Equal("[]", await host.Client.GetStringAsync("/v1/policies"));
        var journal = JsonNode.Parse(await host.Client.GetStringAsync("/v1/journal"))!.AsArray().Select(e => $"{e!["operation"]} {e["target"]}").ToList();
        Assert.Equal(["policy-set web", "policy-set batch", "policy-rm web", "policy-rm batch"], journal.Where(e => e.StartsWith("policy-", StringComparison.Ordinal)));
    }

    [RootFact]
    public async Task BadPolicyOrLoan_Is400ProblemJson_AndChangesNothing()
    {
        using var host = new ServiceHost();
        await CreatePairAsync(host);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PutAsJsonAsync("/v1/policies/web", s_webPolicy)).StatusCode);
        var policies = await host.Client.GetStringAsync("/v1/policies");
        var journal = await host.Client.GetStringAsync("/v1/journal");
        var ledger = host.LedgerSnapshot();

        const string Good = "\"donor\":\"batch\",\"probe\":\"memcached://web.rf:11211\",\"policy\":\"threshold\",\"window\":\"10m\"";
        (string Method, string Path, string Body, string Detail)[] bad =
        [
            ("PUT", "/v1/policies/web", $$"""{"slo":"p99<5ms",{{Good}}}""", "--slo p99<5ms"),
            ("PUT", "/v1/policies/web", """{"slo":"p99<=5ms","donor":"batch","probe":"memcached://web.rf:11211","policy":"fastest"}""", "--policy fastest"),
            ("PUT", "/v1/policies/web", """{"slo":"p99<=5ms","donor":"batch","probe":"gopher://web.rf:70","policy":"slack"}""", "--probe"),
            ("PUT", "/v1/policies/web", """{"slo":"p99<=5ms","donor":"batch","probe":"memcached://web.rf:11211","policy":"slack","window":"5s"}""", "at most 1s"),
            ("PUT", "/v1/policies/web", """{"slo":"p99<=5ms","donor":"batch","probe":"memcached://web.rf:11211","policy":"slack","lt":"1ms"}""", "--lt"),
            ("PUT", "/v1/policies/web", $$"""{"slo":"p99<=5ms",{{Good}},"lt":"5ms","ut":"2ms"}""", "0 < lt < ut"),
            ("PUT", "/v1/policies/web", $$"""{"slo":"p99<=1us",{{Good}}}""", "--lt 0.8us: expected at least 1us"),
            ("PUT", "/v1/policies/web", $$"""{"slo":"p99<=5ms",{{Good}},"minCpus":0}""", "--min-cpus 0"),
            ("PUT", "/v1/policies/web", $$"""{"slo":"p99<=5ms",{{Good}},"rate":0}""", "--rate 0"),
            ("PUT", "/v1/policies/web", $$"""{"slo":"p99<=5ms",{{Good}},"memoryStep":"lots"}""", "--memory-step lots"),
            ("PUT", "/v1/policies/web", """{"slo":"p99<=5ms","donor":"web","probe":"memcached://web.rf:11211","policy":"slack"}""", "cannot lend to itself"),
            ("PUT", "/v1/policies/web", """{"slo":"p99<=5ms","probe":"memcached://web.rf:11211","policy":"slack"}""", "donor is required"),
            ("PUT", "/v1/policies/web", $$"""{"slo":"p99<=5ms",{{Good}},"sloo":"x"}""", "sloo"),
            ("PUT", "/v1/policies/Bad%20Name", $$"""{"slo":"p99<=5ms",{{Good}}}""", "Bad Name"),
            ("PUT", "/v1/policies/web", "not json", string.Empty),
            ("POST", "/v1/lend", """{"donor":"batch","taker":"web","cpus":0}""", "cpus 0"),
            ("POST", "/v1/lend", """{"donor":"batch","taker":"web"}""", "cpus is required"),
            ("POST", "/v1/lend", """{"donor":"batch","taker":"web","cpus":1,"for":"soon"}""", "for soon"),
            ("POST", "/v1/lend", """{"donor":"batch","taker":"web","cpus":2}""", "cannot lend 2"),
            ("POST", "/v1/lend", """{"donor":"batch","taker":"batch","cpus":1}""", "itself"),
            ("POST", "/v1/reclaim", """{"taker":"web","all":true}""", "not both"),
            ("POST", "/v1/reclaim", """{"all":true}""", "no CPU is lent"),
            ("POST", "/v1/reclaim", """{"taker":"web","cpus":-1}""", "cpus -1"),
        ];
        foreach (var (method, path, body, detail) in bad)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            var response = await host.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path} {body}: {(int)response.StatusCode} {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonNode.Parse(text)!;
            Assert.Equal(("invalid", 2), ((string)problem["kind"]!, (int)problem["exitCode"]!));
            Assert.Contains(detail, (string)problem["detail"]!, StringComparison.Ordinal);
        }

        // A policy for a subOS that does not exist is not found (exit code 2): nothing stored either.
        var missing = await host.Client.PutAsJsonAsync("/v1/policies/web", new { donor = "ghost", slo = "p99<=5ms", probe = "tcp://127.0.0.1:9", policy = "slack" });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        Assert.Equal(policies, await host.Client.GetStringAsync("/v1/policies"));
        Assert.Equal(ledger, host.LedgerSnapshot());
        var after = JsonNode.Parse(await host.Client.GetStringAsync("/v1/journal"))!.AsArray();
        var refused = after.Skip(JsonNode.Parse(journal)!.AsArray().Count).ToList();

        // What reached the supervisor was refused in its transaction, journalled as such, and undone.
        Assert.All(refused, e => Assert.NotEqual("ok", (string)e!["outcome"]!));
    }

    [RootFact]
    public async Task LendAndReclaim_OverHttp_AreJournalledAsLendBorrowReclaimReturn_AndSeenByTheCli()
    {
        using var host = new ServiceHost();
        await CreatePairAsync(host);
        var lent = await host.Client.PostAsJsonAsync("/v1/lend", new { donor = "batch", taker = "web", cpus = 1 });
        var loanText = await lent.Content.ReadAsStringAsync();
        Assert.True(lent.StatusCode == HttpStatusCode.OK, loanText);
        var loan = JsonNode.Parse(loanText)!;
        Assert.Equal(("batch", "web"), ((string)loan["donor"]!, (string)loan["taker"]!));
        using (var cli = host.OpenCli())
        {
            Assert.Equal(2, cli.Show("web").Record.Cpus.Count);
            Assert.True(cli.Show("batch").Parked);
            var record = Assert.Single(cli.Loans());
            Assert.Equal((long)loan["id"]!, record.Id);
        }

        var loans = JsonNode.Parse(await host.Client.GetStringAsync("/v1/loans?taker=web"))!.AsArray();
        Assert.True(JsonNode.DeepEquals(loan, Assert.Single(loans)));
        Assert.Empty(JsonNode.Parse(await host.Client.GetStringAsync("/v1/loans?taker=batch"))!.AsArray());

        var reclaimed = await host.Client.PostAsJsonAsync("/v1/reclaim", new { taker = "web" });
        var returned = JsonNode.Parse(await reclaimed.Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal(HttpStatusCode.OK, reclaimed.StatusCode);
        Assert.Equal((long)loan["id"]!, (long)Assert.Single(returned)!["id"]!);
        using (var cli = host.OpenCli())
        {
            Assert.Single(cli.Show("web").Record.Cpus);
            Assert.False(cli.Show("batch").Parked);
            Assert.Empty(cli.Loans());
            var moves = cli.Journal().Where(e => e.Operation is "lend" or "borrow" or "reclaim" or "return").ToList();
            Assert.Equal(["borrow web", "lend batch", "return batch", "reclaim web"], moves.Select(e => $"{e.Operation} {e.Target}"));
            // Each move's pair is one transaction: the taker's entry is appended inside the donor's.
            Assert.All(moves.Take(2), e => Assert.EndsWith("by hand (POST /v1/lend)", e.Message, StringComparison.Ordinal));
            Assert.All(moves.Skip(2), e => Assert.EndsWith("by hand (POST /v1/reclaim)", e.Message, StringComparison.Ordinal));
        }

        Assert.Equal("[]", await host.Client.GetStringAsync("/v1/loans"));

        // Idle time: PUT lends it, the CLI sees it, a second PUT and a body with cpus are 400, DELETE ends it.
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.PutAsJsonAsync("/v1/idle/batch", new { donor = "web" })).StatusCode);
        using (var cli = host.OpenCli())
        {
            Assert.Equal("web", cli.Show("batch").IdleOn);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.PutAsJsonAsync("/v1/idle/batch", new { donor = "web" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.PutAsJsonAsync("/v1/idle/web", new { donor = "batch", cpus = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.DeleteAsync("/v1/idle/batch")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.DeleteAsync("/v1/idle/batch")).StatusCode);
        using (var cli = host.OpenCli())
        {
            Assert.Null(cli.Show("batch").IdleOn);
        }
    }

    /// <summary>Two running subOSes of one CPU each: <c>web</c> and <c>batch</c>.</summary>
    internal static async Task CreatePairAsync(ServiceHost host, string webNet = "none")
    {
        var web = await host.Client.PostAsJsonAsync("/v1/subos", new { name = "web", cpus = "1", memory = "256M", net = webNet });
        Assert.True(web.StatusCode == HttpStatusCode.Created, await web.Content.ReadAsStringAsync());
        var batch = await host.CreateAsync("batch", cpus: "1", memory: "256M");
        Assert.True(batch.StatusCode == HttpStatusCode.Created, await batch.Content.ReadAsStringAsync());
    }
}
