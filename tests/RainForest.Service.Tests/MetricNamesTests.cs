using System.Text.RegularExpressions;
using RainForest.Service.Metrics;

namespace RainForest.Service.Tests;

/// <summary>The exported names follow Prometheus' rules and conventions (prometheus.io/docs/practices/naming).</summary>
public sealed partial class MetricNamesTests
{
    public static TheoryData<string> Names => [.. MetricNames.All];

    [Theory]
    [MemberData(nameof(Names))]
    public void Name_FollowsPrometheusNaming(string name)
    {
        Assert.Matches(NameRule(), name);
        Assert.StartsWith("rainforest_", name, StringComparison.Ordinal);

        // Base units and suffixes: counters end in _total, units are plural base units, no camel case.
        Assert.Equal(name.ToLowerInvariant(), name);
        Assert.DoesNotMatch(@"_(milliseconds|microseconds|kilobytes|megabytes|percent)(_|$)", name);
        if (name.Contains("seconds", StringComparison.Ordinal) || name.Contains("bytes", StringComparison.Ordinal) || name.Contains("slots", StringComparison.Ordinal))
        {
            Assert.Matches(@"_(seconds|bytes|slots)(_total)?$", name);
        }
    }

    [Fact]
    public void Names_AreUnique_AndTheIssueExampleIsAmongThem()
    {
        Assert.Equal(MetricNames.All.Count, MetricNames.All.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains("rainforest_subos_cpu_usage_seconds_total", MetricNames.All);
        Assert.Contains("rainforest_subos_memory_usage_bytes", MetricNames.All);
        Assert.Contains("rainforest_subos_oom_kills_total", MetricNames.All);
    }

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex NameRule();
}
