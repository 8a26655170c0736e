using System.Globalization;

namespace RainForest.Supervisor.Tests.Security;

/// <summary>
/// The attack catalog (<see cref="Attempts"/>) run as root inside an unprivileged subOS, with a neighbour
/// subOS to reach for; one row per attempt.
/// </summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class GuardTests(GuardedSubOses subOses) : IClassFixture<GuardedSubOses>
{
    [Theory]
    [MemberData(nameof(Attempts.Ids), MemberType = typeof(Attempts))]
    public void Attempt_InsideUnprivilegedSubOs_IsDenied(string id)
    {
        var attempt = Attempts.Find(id);
        var hostFile = attempt.HostFile is { } file ? subOses.Fill(file) : null;
        var before = hostFile is null ? null : File.ReadAllText(hostFile);

        var (code, output) = subOses.Run(attempt.Script);

        Assert.True(attempt.Expected.IsMetBy(code, output),
            $"{id} ({attempt.Title}): expected {attempt.Expected.Summary}, got exit {code}: {output.Trim()}");
        if (hostFile is not null)
        {
            Assert.Equal(before, File.ReadAllText(hostFile));
        }
    }

    [Fact]
    public void Attempts_Catalog_HasAtLeastSixtyDistinctAttempts()
    {
        Assert.True(Attempts.All.Count >= 60);
        Assert.Equal(Attempts.All.Count, Attempts.All.Select(a => a.Id).Distinct().Count());
        Assert.Equal(Attempts.All.Count, Attempts.All.Select(a => a.Script).Distinct().Count());
    }

    [Fact]
    public void Attempts_AfterTheCatalog_NeighbourStillRuns()
    {
        var (code, output) = subOses.Host.Exec(GuardedSubOses.Neighbour, "cat", "/var/tmp/rf-neighbour-secret");

        Assert.Equal(0, code);
        Assert.Equal("secret", output.Trim());
    }

    [Fact]
    public void PidsLimit_UnprivilegedSubOs_IsTheKernelsLimit()
    {
        var record = subOses.Host.Supervisor.Show(GuardedSubOses.Guarded).Record;
        var file = Path.Combine(GuardedSubOses.HostCgroupDirectory(record.AgentPid, "pids"), "pids.max");

        Assert.Equal(GuardedSubOses.PidsLimit, record.PidsMax);
        Assert.Equal(GuardedSubOses.PidsLimit.ToString(CultureInfo.InvariantCulture), File.ReadAllText(file).Trim());
    }

    [Fact]
    public void DeviceRules_UnprivilegedSubOs_AllowOnlyTheMinimalDev()
    {
        var record = subOses.Host.Supervisor.Show(GuardedSubOses.Guarded).Record;
        var group = GuardedSubOses.HostCgroupDirectory(record.AgentPid, "devices");

        if (GuardedSubOses.CgroupV2)
        {
            // On v2 the rules are a BPF_CGROUP_DEVICE program attached to the subOS's group.
            Assert.NotEqual("0", Probe.RunOnHost(subOses.ProbeBinary, "device-progs", group));
            return;
        }

        var rules = File.ReadAllLines(Path.Combine(group, "devices.list"));
        Assert.DoesNotContain("a *:* rwm", rules);
        Assert.DoesNotContain(rules, r => r.StartsWith("b ", StringComparison.Ordinal));
        Assert.Contains("c 1:3 rwm", rules);
    }
}
