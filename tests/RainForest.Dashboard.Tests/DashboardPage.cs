using System.Globalization;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;

namespace RainForest.Dashboard.Tests;

/// <summary>The dashboard's DOM as the tests read it: the data-* attributes dashboard.js writes.</summary>
internal sealed class DashboardPage(IWebDriver browser, TimeSpan timeout)
{
    /// <summary>How often a wait looks at the page.</summary>
    public const int PollMs = 20;

    /// <summary>Waits until <paramref name="condition"/> holds, failing with what was awaited and the page's banner.</summary>
    public void Wait(Func<bool> condition, string what)
    {
        var wait = new WebDriverWait(browser, timeout) { PollingInterval = TimeSpan.FromMilliseconds(PollMs) };
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException), typeof(NoSuchElementException));
        try
        {
            wait.Until(_ => condition());
        }
        catch (WebDriverTimeoutException)
        {
            throw new TimeoutException($"waited {timeout.TotalSeconds} s for {what}; banner: '{BannerText()}', connection: '{browser.FindElement(By.Id("connection")).Text}'");
        }
    }

    /// <summary>Waits until the page has drawn the state <paramref name="count"/> times.</summary>
    /// <summary>
    /// Runs <paramref name="checks"/> on elements of one rendering: the page redraws a panel on each refresh, so an element
    /// found before a redraw goes stale under the checks; they then run again on the new one (assertion failures are not
    /// retried).
    /// </summary>
    public static void OnOneRendering(Action checks)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                checks();
                return;
            }
            catch (StaleElementReferenceException) when (attempt < 20)
            {
                Thread.Sleep(PollMs);
            }
        }
    }

    public void WaitForRefresh(int count) =>
        Wait(() => int.TryParse(browser.FindElement(By.TagName("body")).GetAttribute("data-refreshed"), CultureInfo.InvariantCulture, out var n) && n >= count,
            $"the page's refresh #{count}");

    /// <summary>The event stream's state as the page shows it: connecting, live, reconnecting or error.</summary>
    public string? ConnectionState() => browser.FindElement(By.Id("connection")).GetAttribute("data-state");

    /// <summary>The CPU grid's cells, in page order.</summary>
    public IReadOnlyList<IWebElement> Cells() => browser.FindElements(By.CssSelector("#cpu-grid .cpu"));

    /// <summary>The legend's entry of a subOS.</summary>
    public IWebElement LegendEntry(string subOs) => browser.FindElement(By.CssSelector($"#cpu-legend li[data-owner='{subOs}']"));

    /// <summary>The legend's colour swatch of a subOS.</summary>
    public IWebElement LegendSwatch(string subOs) => browser.FindElement(By.CssSelector($"#cpu-legend li[data-owner='{subOs}'] .swatch"));

    /// <summary>The subOSes the legend lists.</summary>
    public IReadOnlyList<string?> LegendOwners() => [.. browser.FindElements(By.CssSelector("#cpu-legend li[data-kind='subos']")).Select(e => e.GetAttribute("data-owner"))];

    /// <summary>Every memory row.</summary>
    public IReadOnlyList<IWebElement> MemoryRows() => browser.FindElements(By.CssSelector("#memory-bars .memory-row"));

    /// <summary>The memory row of a subOS.</summary>
    public IWebElement MemoryRow(string subOs) => browser.FindElement(By.CssSelector($"#memory-bars .memory-row[data-subos='{subOs}']"));

    /// <summary>The memory limit a subOS's bar shows, in bytes.</summary>
    public long LimitBytes(string subOs) => Number(MemoryRow(subOs), "data-limit-bytes");

    /// <summary>A numeric data-* attribute.</summary>
    public static long Number(IWebElement element, string attribute) =>
        long.Parse(element.GetAttribute(attribute) ?? throw new InvalidOperationException($"no {attribute} on {element.TagName}"), CultureInfo.InvariantCulture);

    /// <summary>What a script returns, which must not be null.</summary>
    public T Script<T>(string script) => (T)(((IJavaScriptExecutor)browser).ExecuteScript(script) ?? throw new InvalidOperationException($"{script} returned null"));

    /// <summary>The journal events about <paramref name="target"/> of one operation, newest first.</summary>
    public IReadOnlyList<IWebElement> Events(string target, string operation) =>
        [.. browser.FindElements(By.CssSelector($"#events li[data-kind='journal'][data-target='{target}']")).Where(e => e.FindElement(By.ClassName("kind")).Text == operation)];

    /// <summary>The controller's decisions about <paramref name="taker"/>, newest first.</summary>
    public IReadOnlyList<IWebElement> Decisions(string taker) =>
        browser.FindElements(By.CssSelector($"#events li[data-kind='decision'][data-target='{taker}']"));

    /// <summary>The latency panel's entry of a policy, or null while it has none.</summary>
    public IWebElement? Policy(string taker) => browser.FindElements(By.CssSelector($"#policies .policy[data-policy='{taker}']")).FirstOrDefault();

    /// <summary>The heading of a policy's chart.</summary>
    public string PolicyHeading(string policy) => browser.FindElement(By.CssSelector($"#policies .policy[data-policy='{policy}'] h3")).Text;

    /// <summary>The points of a policy's line, in the chart's coordinates (y grows downwards).</summary>
    public IReadOnlyList<(double X, double Y)> PolicyPoints(string policy)
    {
        var lines = browser.FindElements(By.CssSelector($"#policies .policy[data-policy='{policy}'] polyline.tail"));
        return lines.Count == 0 ? [] : [.. (lines[0].GetAttribute("points") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p =>
        {
            var xy = p.Split(',');
            return (double.Parse(xy[0], CultureInfo.InvariantCulture), double.Parse(xy[1], CultureInfo.InvariantCulture));
        })];
    }

    /// <summary>The y of a policy's SLO line.</summary>
    public double PolicySloY(string policy) =>
        double.Parse(browser.FindElement(By.CssSelector($"#policies .policy[data-policy='{policy}'] line.slo-line")).GetAttribute("y1") ?? "NaN", CultureInfo.InvariantCulture);

    /// <summary>The controller's decisions in the events list, newest first.</summary>
    public IReadOnlyList<IWebElement> Decisions() => browser.FindElements(By.CssSelector("#events li[data-kind='decision']"));

    /// <summary>The latency panel's text.</summary>
    public string PoliciesText() => browser.FindElement(By.Id("policies")).Text;

    /// <summary>Whether the error banner is hidden.</summary>
    public bool BannerHidden() => !browser.FindElement(By.Id("banner")).Displayed;

    /// <summary>The error banner's text (empty when hidden).</summary>
    public string BannerText() => browser.FindElement(By.Id("banner")).GetAttribute("textContent") ?? string.Empty;
}
