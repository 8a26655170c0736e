using System.Reflection;

namespace RainForest.Cli.Tests;

/// <summary><c>rfm topo</c> on the fixture tree of this project's CI VM.</summary>
public sealed class TopoCommandTests
{
    private static readonly string s_thisVm = Path.Combine(
        typeof(TopoCommandTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FixturesDir").Value!,
        "machines", "this-vm");

    [Fact]
    public void Topo_Default_HidesEmptyBlockDevicesAndSaysWhich()
    {
        using var state = new TempDir();
        var output = RfmRun.Ok(state.Path, "topo", "--root", s_thisVm);

        Assert.Contains("vda", output, StringComparison.Ordinal);
        Assert.DoesNotContain("  loop0 ", output, StringComparison.Ordinal);
        Assert.Contains("empty block device(s) not listed: loop0,", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Topo_All_ListsEmptyBlockDevices()
    {
        using var state = new TempDir();
        var output = RfmRun.Ok(state.Path, "topo", "--root", s_thisVm, "--all");

        Assert.Contains("  loop0 ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("not listed", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Topo_NodesCountLessThanMemTotal_ExplainsTheDifference()
    {
        using var state = new TempDir();
        var output = RfmRun.Ok(state.Path, "topo", "--root", s_thisVm);

        // The fixture's node 0 counts 4.46G of the 23.54G in /proc/meminfo, as this VM's kernel does.
        Assert.Contains("note: the nodes' meminfo counts 4.46G of the 23.54G", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Topo_Piped_RowsAreNotWrapped()
    {
        using var state = new TempDir();
        var output = RfmRun.Ok(state.Path, "topo", "--root", s_thisVm);

        // Redirected output gets unbounded width: each device is one row, its header one line.
        Assert.Contains(output.Split('\n'), line => line.Contains("pci device", StringComparison.Ordinal) && line.Contains("driver", StringComparison.Ordinal) && line.Contains("node", StringComparison.Ordinal));
    }
}
