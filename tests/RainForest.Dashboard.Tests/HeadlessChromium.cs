using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace RainForest.Dashboard.Tests;

/// <summary>Debian's Chromium, headless, driven through the system chromedriver (never a downloaded one).</summary>
internal static class HeadlessChromium
{
    /// <summary>Starts a browser; the caller quits it.</summary>
    public static ChromeDriver Start()
    {
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromiumFactAttribute.ChromeDriver)!, Path.GetFileName(ChromiumFactAttribute.ChromeDriver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumFactAttribute.Chromium };

        // Root cannot use Chromium's sandbox; /dev/shm in a container may be tiny; no GPU on a server.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }
}
