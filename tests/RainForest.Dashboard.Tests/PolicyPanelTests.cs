using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace RainForest.Dashboard.Tests;

/// <summary>
/// The latency panel in headless Chromium: the controller's per-policy metrics (set here as the controller sets them,
/// on the service running in this process) drawn as a line against the SLO, and its decisions listed as events.
/// </summary>
public sealed class PolicyPanelTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [ChromiumFact]
    [Trait("Category", "Integration")]
    public void Policy_MetricsOverTime_LineAgainstTheSloAndDecisionsAsEvents()
    {
        using var supervisor = ScratchSupervisor.Init();
        using var service = new InProcessService(supervisor.StatePath);
        var browser = HeadlessChromium.Start();
        try
        {
            browser.Navigate().GoToUrl(new Uri(service.Address, $"/#token={service.Token}"));
            var page = new DashboardPage(browser, s_wait);
            page.WaitForRefresh(1);
            Assert.Equal("no policies", page.PoliciesText());

            // A p99<=5ms policy whose window tail is 3 ms: drawn under the SLO.
            service.Policies.SetSlo("web", 0.99, TimeSpan.FromMilliseconds(5));
            service.Policies.ObserveLatency("web", 0.5, TimeSpan.FromMilliseconds(1));
            service.Policies.ObserveLatency("web", 0.99, TimeSpan.FromMilliseconds(3));
            page.Wait(() => page.PolicyHeading("web").Contains("web: p99 3.00 ms (SLO p99 ≤ 5.00 ms; moves: 0 grow, 0 shrink)", StringComparison.Ordinal), "web's policy at 3 ms");

            // The tail rises past the SLO and the controller grows the service: the line ends above the SLO line.
            service.Policies.ObserveLatency("web", 0.99, TimeSpan.FromMilliseconds(7));
            service.Policies.CountMove("web", grow: true);
            page.Wait(() => page.PolicyHeading("web").Contains("web: p99 7.00 ms (SLO p99 ≤ 5.00 ms; moves: 1 grow, 0 shrink)", StringComparison.Ordinal), "web's policy at 7 ms after a move");
            page.Wait(() => page.PolicyPoints("web").Count >= 2, "web's line with two readings");
            var points = page.PolicyPoints("web");
            var slo = page.PolicySloY("web");
            Assert.True(points[0].Y > slo, $"the first reading (3 ms) is drawn under the SLO line: y {points[0].Y} against {slo}");
            Assert.True(points[^1].Y < slo, $"the last reading (7 ms) is drawn over the SLO line: y {points[^1].Y} against {slo}");
            Assert.True(points[^1].X > points[0].X, "time runs to the right");

            // A decision posted to the service shows as an event, newest first.
            service.Decisions.PublishDecision(new PolicyDecision("web", "+1 cpu", 7), (JsonTypeInfo<PolicyDecision>)JsonSerializerOptions.Web.GetTypeInfo(typeof(PolicyDecision)));
            page.Wait(() => page.Decisions().FirstOrDefault()?.Text.Contains("policy=web step=+1 cpu triggerMs=7", StringComparison.Ordinal) == true, "the decision as an event");

            SaveScreenshot(browser);

            // A removed policy leaves the panel.
            service.Policies.Forget("web");
            page.Wait(() => page.PoliciesText() == "no policies", "the panel empty again");
        }
        finally
        {
            browser.Quit();
        }
    }

    private void SaveScreenshot(OpenQA.Selenium.Chrome.ChromeDriver browser)
    {
        var path = Artifacts.PathOf("dashboard-policy.png");
        browser.GetScreenshot().SaveAsFile(path);
        output.WriteLine($"screenshot: {path}");
    }
}
