using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using RainForest.Core;
using RainForest.Core.Model;

namespace RainForest.Service.Tests;

/// <summary>The subOS endpoints over the real Unix socket, against the real kernel (root, as in CI).</summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class SubOsApiTests
{
    [RootFact]
    public async Task CreateResizeDestroy_OverHttp_TheCliSeesEachChange()
    {
        using var host = new ServiceHost();

        var created = await host.CreateAsync("web", cpus: "1", memory: "256M");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/v1/subos/web", created.Headers.Location?.OriginalString);
        using (var cli = host.OpenCli())
        {
            var status = cli.Show("web");
            Assert.True(status.AgentAlive);
            Assert.Equal(ByteSize.FromMiB(256), status.Record.Memory);
        }

        var resized = await host.Client.PatchAsJsonAsync("/v1/subos/web", new { memory = "384M", pids = 600 });
        Assert.Equal(HttpStatusCode.OK, resized.StatusCode);
        var body = JsonNode.Parse(await resized.Content.ReadAsStringAsync())!;
        Assert.Equal(384L * 1024 * 1024, (long)body["record"]!["memory"]!);
        using (var cli = host.OpenCli())
        {
            Assert.Equal(ByteSize.FromMiB(384), cli.Show("web").Record.Memory);
            Assert.Equal(600, cli.Show("web").Record.PidsMax);
        }

        var (code, json, _) = host.Rfm("show", "web", "--json");
        Assert.Equal(0, code);
        Assert.Equal(384L * 1024 * 1024, (long)JsonNode.Parse(json)!["record"]!["memory"]!);

        var destroyed = await host.Client.DeleteAsync("/v1/subos/web");
        Assert.Equal(HttpStatusCode.OK, destroyed.StatusCode);
        Assert.Equal("""{"destroyed":["web"]}""", await destroyed.Content.ReadAsStringAsync());
        using (var cli = host.OpenCli())
        {
            Assert.Empty(cli.List());
        }

        Assert.Equal(string.Empty, host.KernelSnapshot());
    }

    [RootFact]
    public async Task CliChanges_AreSeenByTheNextRequest_InTheCliJsonShape()
    {
        using var host = new ServiceHost();
        var (code, _, stderr) = host.Rfm("create", "db", "--cpus", "1", "--memory", "256M");
        Assert.True(code == 0, stderr);

        var listed = await host.Client.GetStringAsync("/v1/subos");
        var (lsCode, lsJson, _) = host.Rfm("ls", "--json");
        Assert.Equal(0, lsCode);
        Assert.True(JsonNode.DeepEquals(WithoutLiveCounts(lsJson), WithoutLiveCounts(listed)), $"API: {listed}\nCLI: {lsJson}");

        // A resize from the shell, then the next API call: no stale view.
        Assert.Equal(0, host.Rfm("resize", "db", "--memory", "320M").ExitCode);
        var shown = JsonNode.Parse(await host.Client.GetStringAsync("/v1/subos/db"))!;
        Assert.Equal(320L * 1024 * 1024, (long)shown["record"]!["memory"]!);

        // And the service's change is seen by the CLI's next command.
        var patched = await host.Client.PatchAsJsonAsync("/v1/subos/db", new { memory = "288M" });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var (_, showJson, _) = host.Rfm("show", "db", "--json");
        Assert.Equal(288L * 1024 * 1024, (long)JsonNode.Parse(showJson)!["record"]!["memory"]!);
    }

    /// <summary>The document without the two numbers the kernel changes between two reads (memory in use, processes).</summary>
    private static JsonNode WithoutLiveCounts(string json)
    {
        var list = JsonNode.Parse(json)!.AsArray();
        foreach (var status in list)
        {
            Assert.NotNull(status!["memoryUsedBytes"]);
            Assert.NotNull(status["processes"]);
            status.AsObject().Remove("memoryUsedBytes");
            status.AsObject().Remove("processes");
        }

        return list;
    }

    [RootFact]
    public async Task BadInput_Is400ProblemJson_AndChangesNothing()
    {
        using var host = new ServiceHost();
        Assert.Equal(HttpStatusCode.Created, (await host.CreateAsync("app")).StatusCode);
        var ledger = host.LedgerSnapshot();
        var kernel = host.KernelSnapshot();
        var journal = await host.Client.GetStringAsync("/v1/journal");

        (string Method, string Path, string? Body, string Detail)[] bad =
        [
            ("POST", "/v1/subos", """{"name":"x","cpus":"lots","memory":"256M"}""", "--cpus lots"),
            ("POST", "/v1/subos", """{"name":"x","cpus":"1","memory":"12 parsecs"}""", "--memory 12 parsecs"),
            ("POST", "/v1/subos", """{"name":"../etc","cpus":"1","memory":"256M"}""", "name"),
            ("POST", "/v1/subos", """{"cpus":"1","memory":"256M"}""", "name is required"),
            ("POST", "/v1/subos", """{"name":"x","cpus":"1","memory":"256M","pids":1}""", "--pids 1"),
            ("POST", "/v1/subos", "not json", string.Empty),
            ("PATCH", "/v1/subos/app", """{"cpus":"zz"}""", "--cpus zz"),
            ("PATCH", "/v1/subos/app", "{}", "resize needs"),
            ("PATCH", "/v1/subos/app", """{"memroy":"300M"}""", "memroy"),
            ("PATCH", "/v1/subos/app", """{"memory":"-5M"}""", "--memory"),
            ("GET", "/v1/subos/bad%20name", null, "name"),
            ("GET", "/v1/journal?last=0", null, "last 0"),
            ("POST", "/v1/journal/vacuum", null, "nothing to remove"),
            ("POST", "/v1/journal/vacuum?olderThan=30", null, "olderThan 30"),
            ("POST", "/v1/journal/vacuum?olderThan=0s&keep=5", null, "positive"),
            ("POST", "/v1/journal/vacuum?keep=0", null, "keep"),
            ("POST", "/v1/channels", """{"name":"c","members":["app",""]}""", "--members"),
        ];
        foreach (var (method, path, body, detail) in bad)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (body is not null)
            {
                request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
            }

            var response = await host.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path} {body}: {(int)response.StatusCode} {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonNode.Parse(text)!;
            Assert.Equal(400, (int)problem["status"]!);
            Assert.Equal(2, (int)problem["exitCode"]!);
            Assert.Contains(detail, (string)problem["detail"]!, StringComparison.Ordinal);
        }

        Assert.Equal(ledger, host.LedgerSnapshot());
        Assert.Equal(kernel, host.KernelSnapshot());

        // Most were refused before the supervisor was opened; what reached it is journalled as rejected, as rfm does.
        var before = JsonNode.Parse(journal)!.AsArray().Count;
        var added = JsonNode.Parse(await host.Client.GetStringAsync("/v1/journal"))!.AsArray().Skip(before).ToList();
        Assert.All(added, e => Assert.Equal("rejected", (string)e!["outcome"]!));
    }

    [RootFact]
    public async Task JournalVacuum_KeepsTheNewest_TheCliSeesIt()
    {
        using var host = new ServiceHost();
        Assert.Equal(HttpStatusCode.Created, (await host.CreateAsync("one", cpus: "1")).StatusCode);
        var before = JsonNode.Parse(await host.Client.GetStringAsync("/v1/journal"))!.AsArray();

        var response = await host.Client.PostAsync("/v1/journal/vacuum?keep=1", content: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(before.Count - 1, (int)result["removed"]!);
        Assert.Equal(1, (int)result["left"]!);
        var cli = JsonDocument.Parse(host.Rfm("log", "--json").Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal((long)before[^1]!["id"]!, cli[0].GetProperty("id").GetInt64());
        Assert.Equal([(string?)before[^1]!["operation"], "journal-vacuum"], cli.Select(e => e.GetProperty("operation").GetString()));
    }

    [RootFact]
    public async Task MissingAndBusy_Are404And409_AndChangeNothing()
    {
        using var host = new ServiceHost();
        Assert.Equal(HttpStatusCode.Created, (await host.CreateAsync("one", cpus: "1")).StatusCode);
        var ledger = host.LedgerSnapshot();

        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/v1/subos/nosuch")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.DeleteAsync("/v1/subos/nosuch")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.PatchAsJsonAsync("/v1/subos/nosuch", new { memory = "300M" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/v1/channels/nosuch")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.DeleteAsync("/v1/channels/nosuch")).StatusCode);
        var noRoute = await host.Client.GetAsync("/v1/nosuch");
        Assert.Equal(HttpStatusCode.NotFound, noRoute.StatusCode);
        Assert.Equal("application/problem+json", noRoute.Content.Headers.ContentType?.MediaType);

        var duplicate = await host.CreateAsync("one");
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal("conflict", (string)JsonNode.Parse(await duplicate.Content.ReadAsStringAsync())!["kind"]!);

        // The CPU the first subOS owns is busy.
        var owned = JsonNode.Parse(await host.Client.GetStringAsync("/v1/subos/one"))!["record"]!["cpus"]!.ToString();
        var busy = await host.Client.PostAsJsonAsync("/v1/subos", new { name = "two", cpus = $"{owned}-{owned}", memory = "256M" });
        Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
        Assert.Contains("is owned by subOS 'one'", await busy.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var tooMuch = await host.CreateAsync("three", cpus: "1", memory: "100000G");
        Assert.Equal(HttpStatusCode.Conflict, tooMuch.StatusCode);

        Assert.Equal(ledger, host.LedgerSnapshot());
    }

    [RootFact]
    public async Task Machine_ListsEveryCpuWithItsOwner_AndMemoryPerSubOs()
    {
        using var host = new ServiceHost();
        Assert.Equal(HttpStatusCode.Created, (await host.CreateAsync("left", cpus: "1", memory: "256M")).StatusCode);

        var machine = JsonNode.Parse(await host.Client.GetStringAsync("/v1/machine"))!;
        var cpus = machine["cpus"]!.AsArray();
        Assert.Equal(Environment.ProcessorCount, cpus.Count);
        var owned = cpus.Where(c => (string)c!["kind"]! == "subos").ToList();
        var one = Assert.Single(owned);
        Assert.Equal("left", (string)one!["owner"]!);
        Assert.All(cpus.Except(owned), c => Assert.Equal("free", (string)c!["kind"]!));
        var memory = Assert.Single(machine["memory"]!.AsArray());
        Assert.Equal("left", (string)memory!["subOs"]!);
        Assert.Equal(256L * 1024 * 1024, (long)memory["size"]!);
        Assert.NotNull(machine["topology"]!["cpus"]);
        Assert.NotNull(machine["pool"]!["freeCpus"]);
    }

    [RootFact]
    public async Task Journal_FiltersByTargetAndCount_AsRfmLogDoes()
    {
        using var host = new ServiceHost();
        await host.CreateAsync("a");
        await host.Client.PatchAsJsonAsync("/v1/subos/a", new { memory = "300M" });

        var entries = JsonNode.Parse(await host.Client.GetStringAsync("/v1/journal?target=a&last=1"))!.AsArray();
        var entry = Assert.Single(entries);
        Assert.Equal("resize", (string)entry!["operation"]!);
        Assert.Equal("ok", (string)entry["outcome"]!);
        var (_, log, _) = host.Rfm("log", "--subos", "a", "-n", "1", "--json");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(log), entries));
    }

    [RootFact]
    public async Task StartAndReconcile_AnswerLikeTheirVerbs()
    {
        using var host = new ServiceHost();
        await host.CreateAsync("s");

        var start = await host.Client.PostAsync("/v1/subos/s/start", null);
        Assert.Equal(HttpStatusCode.Conflict, start.StatusCode);
        Assert.Contains("already running", await start.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var reconcile = JsonNode.Parse(await (await host.Client.PostAsync("/v1/reconcile", null)).Content.ReadAsStringAsync())!;
        Assert.Empty(reconcile["brokenInvariants"]!.AsArray());
    }
}
