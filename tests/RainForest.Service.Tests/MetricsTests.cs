using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using RainForest.Service.Metrics;

namespace RainForest.Service.Tests;

/// <summary><c>GET /metrics</c> on the real kernel: every metric a running subOS has, under Prometheus' naming rules.</summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed partial class MetricsTests
{
    [RootFact]
    public async Task Metrics_ForARunningSubOs_CarryItsNumbers_UnderTheListedNames()
    {
        using var host = new ServiceHost();
        await host.CreateAsync("met", cpus: "1", memory: "256M");
        Assert.Equal(0, host.Rfm("exec", "met", "--", "sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done").ExitCode);
        host.Services.GetRequiredService<ServiceMetrics>().Policies.SetSlo("met", 0.99, TimeSpan.FromMilliseconds(5));

        var text = await host.Client.GetStringAsync("/metrics");

        var samples = SampleLine().Matches(text).Select(m => (Name: m.Groups["name"].Value, Labels: m.Groups["labels"].Value, Value: m.Groups["value"].Value)).ToList();
        Assert.NotEmpty(samples);
        foreach (var (name, _, _) in samples)
        {
            Assert.Contains(name, MetricNames.All);
        }

        string Value(string name) => samples.Single(s => s.Name == name && s.Labels.Contains("subos=\"met\"", StringComparison.Ordinal)).Value;
        Assert.Equal("1", Value(MetricNames.SubOsCpus));
        Assert.Equal("1", Value(MetricNames.SubOsUp));
        Assert.Equal($"{256L * 1024 * 1024}", Value(MetricNames.SubOsMemoryLimit));
        Assert.True(double.Parse(Value(MetricNames.SubOsMemoryUsage), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.True(double.Parse(Value(MetricNames.SubOsCpuUsage), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.True(long.Parse(Value(MetricNames.SubOsPids), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal("1024", Value(MetricNames.SubOsPidsLimit));
        Assert.Equal("0", Value(MetricNames.SubOsOomKills));
        Assert.Contains("rainforest_policy_slo_seconds{policy=\"met\",quantile=\"0.99\"} 0.005", text, StringComparison.Ordinal);

        // A destroyed subOS's series end.
        await host.Client.DeleteAsync("/v1/subos/met");
        Assert.DoesNotContain("subos=\"met\"", await host.Client.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)$", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
