using System.Diagnostics;
using System.Globalization;
using System.Net;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using RainForest.Core;
using RainForest.Core.Elastic;
using RainForest.Supervisor;
using RainForest.Supervisor.Network;
using Xunit.Abstractions;

namespace RainForest.Dashboard.Tests;

/// <summary>
/// The dashboard in a real headless Chromium, against a real rf-serve over TCP with a bearer token, on a supervisor
/// with two real subOSes: the DOM is checked against the ledger, a resize made through the facade (as <c>rfm resize</c>
/// from a shell) must show up live, and a screenshot is kept.
/// </summary>
[Collection("dashboard")]
public sealed class DashboardTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [ChromiumFact]
    [Trait("Category", "Integration")]
    public void Dashboard_TwoSubOses_GridMemoryAndLiveEventsMatchTheLedger()
    {
        var scratch = Directory.CreateTempSubdirectory("rf-test-dashboard-");
        try
        {
            using var supervisor = ScratchSupervisor.Init();
            supervisor.Create("web", "256M");
            supervisor.Create("batch", "128M");
            using var service = RfServe.Start(supervisor.StatePath, scratch.FullName);
            using var browser = HeadlessChromium.Start();
            var passed = false;
            try
            {
                Run(supervisor, service, browser);
                passed = true;
            }
            finally
            {
                if (!passed)
                {
                    SaveScreenshot(browser, "dashboard-failed.png");
                }

                foreach (var entry in BrowserLog(browser))
                {
                    output.WriteLine($"browser: {entry}");
                }

                browser.Quit();
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    [ChromiumFact]
    [Trait("Category", "Integration")]
    public void Dashboard_WithAPolicy_DrawsItsTailAgainstItsSlo_AndTheControllersMove()
    {
        var scratch = Directory.CreateTempSubdirectory("rf-test-dashboard-");
        try
        {
            using var supervisor = ScratchSupervisor.Init();
            supervisor.Create("web", "256M", NetMode.Loop);
            supervisor.Create("batch", "128M");
            supervisor.StartMemcached("web");

            using var service = RfServe.Start(supervisor.StatePath, scratch.FullName);
            using var browser = HeadlessChromium.Start();
            var passed = false;
            try
            {
                browser.Navigate().GoToUrl(new Uri(service.Address, $"/#token={service.Token}"));
                var page = new DashboardPage(browser, s_wait);
                page.WaitForRefresh(1);
                Assert.Equal("no policies", page.PoliciesText());
                page.Wait(() => page.ConnectionState() == "live", "the event stream");

                // Set as rfm policy set does, while the page watches (decisions are live events, not replayed). One-second
                // windows whose (lt, ut) = (8us, 10us) no round trip meets, so the first measured window moves batch's CPU.
                supervisor.Supervisor.SetPolicy(ElasticPolicySpec.Create(
                    "web", "batch", LatencySlo.Parse("p99<=10us"), ProbeSpec.Parse("memcached://web.rf:11211"), PolicyKind.Threshold,
                    window: TimeSpan.FromSeconds(1), probeRate: 200));

                // The panel draws the policy the service runs, from its metrics: the SLO line at its bound, the tail of its windows.
                page.Wait(() => page.Policy("web") is not null && page.PolicyPoints("web").Count >= 1, "web's policy with a measured window");
                DashboardPage.OnOneRendering(() =>
                {
                    var policy = page.Policy("web")!;
                    Assert.Equal(1e-5, double.Parse(policy.GetAttribute("data-slo-seconds")!, CultureInfo.InvariantCulture), 9);
                    Assert.Contains("web: p99 ", page.PolicyHeading("web"), StringComparison.Ordinal);
                    Assert.Contains("(SLO p99 ≤ 10 µs; moves: ", page.PolicyHeading("web"), StringComparison.Ordinal);
                    Assert.Single(policy.FindElements(By.CssSelector("svg line.slo-line")));

                    // Every round trip takes longer than 10 µs: the line is drawn above the SLO line (y grows downwards).
                    Assert.All(page.PolicyPoints("web"), p => Assert.True(p.Y < page.PolicySloY("web"), $"y {p.Y} against the SLO's {page.PolicySloY("web")}"));
                });

                // The controller's move arrives as a decision event (who, what, why) and the grid follows it.
                page.Wait(() => page.Decisions("web").Count >= 1, "the controller's decision as an event");
                var decision = page.Decisions("web")[^1].Text;
                Assert.Contains("web: +1 cpu (web 1 → 2 CPUs, batch 1 → 0); p99 ", decision, StringComparison.Ordinal);
                Assert.Contains("> ut 10us", decision, StringComparison.Ordinal);
                Assert.Equal("controller", page.Decisions("web")[^1].FindElement(By.ClassName("kind")).Text);
                page.Wait(() => page.Cells().Count(c => c.GetAttribute("data-owner") == "web") == 2, "web's two CPUs in the grid");
                page.Wait(() => page.PolicyHeading("web").Contains("moves: 1 grow, 0 shrink", StringComparison.Ordinal), "the policy's move count");
                SaveScreenshot(browser, "dashboard-controller.png");
                Assert.DoesNotContain(BrowserLog(browser), e => e.Level == LogLevel.Severe);
                passed = true;
            }
            finally
            {
                if (!passed)
                {
                    SaveScreenshot(browser, "dashboard-controller-failed.png");
                    output.WriteLine($"rf-serve: {service.Log}");
                }

                browser.Quit();
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    [RootFact]
    [Trait("Category", "Integration")]
    public void Page_OverTcp_ServedWithoutTokenButTheApiNeedsIt()
    {
        var scratch = Directory.CreateTempSubdirectory("rf-test-dashboard-");
        try
        {
            using var supervisor = ScratchSupervisor.Init();
            using var service = RfServe.Start(supervisor.StatePath, scratch.FullName);
            using var anonymous = new HttpClient { BaseAddress = service.Address };

            // The page and its files hold no data: a browser opens them without a header, and gets a policy that keeps it
            // on this origin.
            foreach (var path in new[] { "/", "/dashboard/dashboard.js", "/dashboard/dashboard.css", "/dashboard/favicon.svg" })
            {
                using var response = anonymous.GetAsync(path).GetAwaiter().GetResult();
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Contains("default-src 'none'", string.Join(' ', response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
                Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));

                // Nothing is fetched from elsewhere: no absolute URL, no protocol-relative one.
                var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                Assert.DoesNotContain("http://", text.Replace("http://www.w3.org/", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
                Assert.DoesNotContain("https://", text, StringComparison.Ordinal);
                Assert.DoesNotContain("src=\"//", text, StringComparison.Ordinal);
                Assert.DoesNotContain("href=\"//", text, StringComparison.Ordinal);
            }

            using (var page = anonymous.GetAsync("/").GetAwaiter().GetResult())
            {
                Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
                var etag = page.Headers.ETag ?? throw new InvalidOperationException("no ETag on /");
                using var again = new HttpRequestMessage(HttpMethod.Get, "/");
                again.Headers.IfNoneMatch.Add(etag);
                using var revalidated = anonymous.Send(again);
                Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
            }

            using (var missing = anonymous.GetAsync("/dashboard/nothing.js").GetAwaiter().GetResult())
            {
                // Unknown files are not the dashboard's: they meet the token check like any other path.
                Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
            }

            foreach (var path in new[] { "/v1/subos", "/v1/machine", "/v1/events" })
            {
                using var refused = anonymous.GetAsync(path).GetAwaiter().GetResult();
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private void Run(ScratchSupervisor supervisor, RfServe service, ChromeDriver browser)
    {
        // The token travels in the fragment, which the browser never sends; the page keeps it for the tab and clears the
        // address bar.
        browser.Navigate().GoToUrl(new Uri(service.Address, $"/#token={service.Token}"));
        var page = new DashboardPage(browser, s_wait);
        page.WaitForRefresh(1);
        output.WriteLine($"first draw's API answers in: {Convert.ToDouble(page.Script<object>("return Math.max(...performance.getEntriesByType('resource').filter(e => e.name.includes('/v1/')).map(e => e.responseEnd))"), CultureInfo.InvariantCulture):F0} ms after navigation");
        Assert.Equal(string.Empty, page.Script<string>("return location.hash"));
        Assert.Equal(service.Token, page.Script<string>("return sessionStorage.getItem('rainforest.token')"));
        Assert.True(page.BannerHidden(), $"the page reports an error: {page.BannerText()}");

        // The recent journal is listed at load: both creates.
        page.Wait(() => page.Events("web", "create").Count == 1 && page.Events("batch", "create").Count == 1, "the journal's creates");

        var subOses = supervisor.Supervisor.List().ToDictionary(s => s.Record.Name);
        var machine = RainForestSupervisor.Topology("/").Cpus;

        // One cell per CPU of the machine (offline ones included), grouped by NUMA node, in order within it; each
        // subOS's cells are exactly its CPUs, in its legend colour.
        var cells = page.Cells();
        Assert.Equal(
            machine.OrderBy(c => c.NumaNode).ThenBy(c => c.Id).Select(c => $"{c.NumaNode}/{c.Id}"),
            cells.Select(c => $"{c.FindElement(By.XPath("ancestor::div[@data-node]")).GetAttribute("data-node")}/{c.GetAttribute("data-cpu")}"));
        var colours = new Dictionary<string, string>();
        foreach (var (name, status) in subOses)
        {
            var owned = cells.Where(c => c.GetAttribute("data-owner") == name).ToList();
            Assert.Equal(status.Record.Cpus.Select(c => c.ToString(CultureInfo.InvariantCulture)), owned.Select(c => c.GetAttribute("data-cpu")));
            var legend = page.LegendSwatch(name);
            Assert.Contains(name, legend.FindElement(By.XPath("..")).Text, StringComparison.Ordinal);
            colours[name] = legend.GetCssValue("background-color");
            Assert.All(owned, c =>
            {
                Assert.Equal("subos", c.GetAttribute("data-kind"));
                Assert.Equal(colours[name], c.GetCssValue("background-color"));
                Assert.Contains(name, c.Text, StringComparison.Ordinal);
            });
        }

        Assert.Equal(2, colours.Values.Distinct().Count());
        Assert.All(cells.Where(c => c.GetAttribute("data-owner") is null or ""), c => Assert.NotEqual("subos", c.GetAttribute("data-kind")));

        // A memory bar for each subOS, with its limit and what the kernel charges it.
        foreach (var (name, status) in subOses)
        {
            var row = page.MemoryRow(name);
            Assert.Equal(status.Record.Memory.Bytes, page.LimitBytes(name));
            Assert.InRange(DashboardPage.Number(row, "data-used-bytes"), 1, status.Record.Memory.Bytes);
            Assert.Contains(name, row.Text, StringComparison.Ordinal);
        }

        Assert.Equal("no policies", page.PoliciesText());

        // A resize from outside the service (first through the facade, as rfm does) reaches the page as a journal event,
        // newest first, and the page refetches: the bar shows the new limit.
        Assert.Empty(page.Events("web", "resize"));
        var smaller = ByteSize.FromMiB(192);
        var shown = Stopwatch.StartNew();
        supervisor.Supervisor.Resize("web", null, smaller);
        page.Wait(() => page.Events("web", "resize").Count == 1, "the resize of web as an event");
        output.WriteLine($"resize to its event on the page: {shown.Elapsed.TotalMilliseconds:F0} ms (resize included; polled every {DashboardPage.PollMs} ms)");
        Assert.Equal("live", page.ConnectionState());
        page.Wait(() => page.LimitBytes("web") == smaller.Bytes, "web's memory bar at its new limit");
        Assert.Contains($"web: memory {ByteSize.Parse("256M")} → {smaller}", page.Events("web", "resize")[0].Text, StringComparison.Ordinal);

        // The second from the rfm binary, another process, as from a shell.
        var smallest = ByteSize.FromMiB(160);
        supervisor.Rfm("resize", "web", "--memory", smallest.ToString());
        page.Wait(() => page.Events("web", "resize").Count == 2, "the second resize of web as an event");
        Assert.Contains($"web: memory {smaller} → {smallest}", page.Events("web", "resize")[0].Text, StringComparison.Ordinal);
        page.Wait(() => page.LimitBytes("web") == smallest.Bytes, "web's memory bar at its second limit");
        Assert.Equal(ByteSize.Parse("128M").Bytes, page.LimitBytes("batch"));

        // A move, as the controller makes them (here by hand, from a shell): batch lends its one CPU to web and is parked.
        // The grid gives web both CPUs, the legend says batch is parked, and the move shows as lend and borrow.
        var batchCpu = subOses["batch"].Record.Cpus.Single().ToString(CultureInfo.InvariantCulture);
        supervisor.Rfm("lend", "batch", "web", "--cpus", "1");
        page.Wait(() => page.Events("batch", "lend").Count == 1 && page.Events("web", "borrow").Count == 1, "the lend and the borrow as events");
        Assert.Contains($"batch: cpus {batchCpu} → none, parked", page.Events("batch", "lend")[0].Text, StringComparison.Ordinal);
        page.Wait(() => page.Cells().Single(c => c.GetAttribute("data-cpu") == batchCpu).GetAttribute("data-owner") == "web", $"CPU {batchCpu} web's in the grid");
        page.Wait(() => page.LegendEntry("batch").GetAttribute("data-parked") == "true", "batch parked in the legend");
        Assert.Contains("batch: 0 CPUs (parked)", page.LegendEntry("batch").Text, StringComparison.Ordinal);
        Assert.All(page.Cells().Where(c => c.GetAttribute("data-owner") == "web"), c => Assert.Equal(colours["web"], c.GetCssValue("background-color")));

        // The artifact: both subOSes, one of them parked, and the events so far.
        SaveScreenshot(browser, "dashboard.png");

        // And back: reclaim thaws batch with its CPU.
        supervisor.Supervisor.Reclaim("web", null, "test");
        page.Wait(() => page.Events("web", "reclaim").Count == 1 && page.Events("batch", "return").Count == 1, "the reclaim and the return as events");
        page.Wait(() => page.Cells().Single(c => c.GetAttribute("data-cpu") == batchCpu).GetAttribute("data-owner") == "batch", $"CPU {batchCpu} batch's again");
        page.Wait(() => page.LegendEntry("batch").GetAttribute("data-parked") == "false", "batch thawed in the legend");

        // Idle sharing shows in the legend while it lasts.
        supervisor.Rfm("lend", "web", "batch", "--idle");
        page.Wait(() => page.LegendEntry("batch").Text.Contains("+ idle time of web", StringComparison.Ordinal), "batch's idle time of web in the legend");
        supervisor.Rfm("reclaim", "batch", "--idle");
        page.Wait(() => !page.LegendEntry("batch").Text.Contains("idle time", StringComparison.Ordinal), "batch's idle time gone from the legend");

        // A destroy frees its CPU in the grid and removes its bar and its legend entry.
        supervisor.Supervisor.Destroy("batch");
        page.Wait(() => page.Events("batch", "destroy").Count == 1, "the destroy of batch as an event");
        page.Wait(() => page.Cells().Single(c => c.GetAttribute("data-cpu") == batchCpu).GetAttribute("data-kind") == "free", $"CPU {batchCpu} free in the grid");
        page.Wait(() => page.MemoryRows().Count == 1 && page.LegendOwners().SequenceEqual(["web"]), "batch gone from the memory bars and the legend");

        // The page fetched nothing but its own origin.
        var origin = service.Address.GetLeftPart(UriPartial.Authority);
        var resources = page.Script<IEnumerable<object>>("return performance.getEntriesByType('resource').map(e => e.name)").Cast<string>().ToList();
        Assert.NotEmpty(resources);
        Assert.All(resources, r => Assert.StartsWith(origin + "/", r, StringComparison.Ordinal));
        Assert.DoesNotContain(BrowserLog(browser), e => e.Level == LogLevel.Severe);
    }

    private static IReadOnlyList<LogEntry> BrowserLog(ChromeDriver browser)
    {
        try
        {
            return browser.Manage().Logs.GetLog(LogType.Browser);
        }
        catch (WebDriverException)
        {
            return [];
        }
    }

    private void SaveScreenshot(ChromeDriver browser, string name)
    {
        var path = Artifacts.PathOf(name);
        browser.GetScreenshot().SaveAsFile(path);
        output.WriteLine($"screenshot: {path}");
    }
}
