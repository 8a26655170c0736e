namespace RainForest.Dashboard.Tests;

/// <summary>
/// A fact that drives Debian's Chromium through its chromedriver against a real service with real subOSes: it needs
/// root, <c>/usr/bin/chromium</c> and <c>/usr/bin/chromedriver</c>; skipped, saying which is missing, without them
/// (CI installs both and runs as root, so there it runs).
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>Debian's Chromium.</summary>
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>Debian's chromedriver, the same version as <see cref="Chromium"/>.</summary>
    public const string ChromeDriver = "/usr/bin/chromedriver";

    public ChromiumFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "needs root: the service's subOSes are real cgroups and namespaces (run as root, as CI does)";
        }
        else if (!File.Exists(Chromium) || !File.Exists(ChromeDriver))
        {
            Skip = $"needs {Chromium} and {ChromeDriver}: apt-get install chromium chromium-driver (CI installs them)";
        }
    }
}
