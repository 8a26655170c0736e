using System.Text.Json;
using RainForest.Cli.Commands;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Kernel;

namespace RainForest.Cli.Tests;

/// <summary><c>rfm show</c>'s partition line: what each kernel state means, and the line and JSON of a running subOS.</summary>
[Collection("kernel")]
public sealed class ShowCommandTests
{
    public static TheoryData<string, string> States => new()
    {
        { string.Empty, "none: its CPUs are exclusive in the ledger; host tasks may still run on them" },
        { "isolated", "isolated: no other task runs on its CPUs, and none is balanced onto them" },
        { "root", "root: no other task runs on its CPUs" },
        { "member", "member: it shares its CPUs with the rest of the supervisor's partition" },
        { "isolated invalid (Parent is not a partition root)", "isolated invalid (Parent is not a partition root): degraded, host tasks may run on its CPUs" },
        { "root invalid", "root invalid: degraded, host tasks may run on its CPUs" },
        { "shared", "shared: not a state RainForest knows" },
    };

    [Theory]
    [MemberData(nameof(States))]
    public void Describe_KernelState_OneLineSayingWhatItMeans(string kernelText, string line) =>
        Assert.Equal(line, ShowCommand.Describe(PartitionState.Parse(kernelText)));

    [Fact]
    [Trait("Category", "Integration")]
    public void Show_RunningSubOs_PartitionLineAndJsonFromTheKernel()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("RF_AGENT")))
        {
            Assert.Fail("set RF_AGENT to the rf-agent binary (./rfm builds it in .build/bin)");
        }

        using var dir = new TempDir();
        var state = Path.Combine(dir.Path, "state");
        RfmRun.Ok(state, "init", "--reserve-cpus", "0", "--reserve-memory", "512M");
        RfmRun.Ok(state, "create", "a", "--cpus", "1", "--memory", "128M");
        try
        {
            var table = RfmRun.Ok(state, "show", "a");
            using var json = JsonDocument.Parse(RfmRun.Ok(state, "show", "a", "--json"));

            // What the kernel holds decides the line: none on v1 and hybrid, a partition where cgroup v2 offers them.
            var layout = CgroupLayout.Detect(KernelFiles.Host);
            var expected = layout.Mode == CgroupMode.V2 ? null : PartitionState.None;
            var partition = json.RootElement.GetProperty("partition");
            var kind = partition.GetProperty("kind").GetString();
            Assert.Contains(table.Split('\n'), l => l.TrimStart().StartsWith("partition", StringComparison.Ordinal));
            if (expected is not null)
            {
                Assert.Equal("none", kind);
                Assert.True(partition.GetProperty("valid").GetBoolean());
                Assert.Contains(ShowCommand.Describe(expected), table, StringComparison.Ordinal);
            }
            else
            {
                Assert.Contains(kind, new[] { "none", "isolated", "root" });
            }
        }
        finally
        {
            RfmRun.Run(state, "destroy", "a");
            RfmRun.Run(state, "deinit");
        }
    }
}
