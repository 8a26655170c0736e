using System.Reflection;

namespace RainForest.Dashboard.Tests;

/// <summary>Where the tests keep their screenshots: <c>RF_TEST_ARTIFACTS</c>, else the repository's <c>TestResults/</c> (ignored by git).</summary>
internal static class Artifacts
{
    /// <summary>The path of an artifact named <paramref name="name"/>; its directory exists.</summary>
    public static string PathOf(string name)
    {
        var root = typeof(Artifacts).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
        var directory = Environment.GetEnvironmentVariable("RF_TEST_ARTIFACTS") is { Length: > 0 } artifacts ? artifacts : Path.Combine(root, "TestResults");
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, name);
    }
}
