using System.Diagnostics;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Linux;
using RainForest.Supervisor.Channels;
using RainForest.Supervisor.Network;

namespace RainForest.Supervisor.Tests.Integration;

/// <summary>
/// Each kind of leftover an interrupted rfm can leave, made by hand on the real kernel: reconcile names it in one
/// line, removes or mends it, and a following <c>--net loop</c> create works.
/// </summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class OrphanRepairTests : IDisposable
{
    private readonly CellHost _host = new();

    public void Dispose() => _host.Dispose();

    private string Namespace => _host.State.Prefix + "-loop";

    private void Create(string name, NetMode net = NetMode.Loop) =>
        _host.Supervisor.Create(new CreateOptions { Name = name, Cpus = CpuRequest.Parse("1", false), Memory = ByteSize.Parse("128M"), Net = net });

    private static string Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', args)}: {error}");
        return output;
    }

    /// <summary>Reconciles, expects exactly the repairs matching each fragment, and a second run that finds nothing.</summary>
    private IReadOnlyList<string> ReconcileExpecting(params string[] fragments)
    {
        var repairs = _host.Supervisor.Reconcile();
        foreach (var fragment in fragments)
        {
            Assert.Contains(repairs, r => r.Contains(fragment, StringComparison.Ordinal));
        }

        Assert.Empty(_host.Supervisor.Reconcile());
        Assert.Empty(_host.Supervisor.CheckInvariants());
        return repairs;
    }

    /// <summary>The loop create every repair must leave working, checked from inside the new member.</summary>
    private void LoopCreateWorks(string name = "after")
    {
        Create(name);
        var (code, output) = _host.Exec(name, "cat", "/sys/class/net/eth0/operstate");
        Assert.Equal(0, code);
        Assert.Equal("up", output.Trim());
        Assert.Equal(_host.Records().Count(r => r.Address is not null), PortsOnBridge().Count);
    }

    private List<string> PortsOnBridge() =>
        [.. _host.Loop.Links().Where(l => l.Master == LoopNetwork.BridgeName).Select(l => l.Name)];

    [Fact]
    public void EmptyMemberDirectory_IsRemoved()
    {
        var dir = _host.State.ChannelLinkDirectory("ghost");
        Directory.CreateDirectory(dir);

        ReconcileExpecting($"member directory {dir} belongs to no subOS");

        Assert.False(Directory.Exists(dir));
        Assert.False(Directory.Exists(_host.State.ChannelRoot));
        LoopCreateWorks();
    }

    [Fact]
    public void ChannelTemporaryFileAndObjectWithoutRow_AreRemoved()
    {
        var temp = _host.State.ChannelObject("rf-tmp-x");
        var stray = _host.State.ChannelObject("stray");
        Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
        File.WriteAllText(temp, "half");
        File.WriteAllText(stray, "half");

        ReconcileExpecting($"temporary channel file {temp}", $"channel object {stray} had no ledger entry");

        Assert.False(File.Exists(temp));
        Assert.False(File.Exists(stray));
    }

    [Fact]
    public void LoopNamespaceWithoutBridgeOrMembers_IsRemoved_AndALoopCreateWorks()
    {
        Run("ip", "netns", "add", Namespace);

        ReconcileExpecting($"loop namespace {Namespace} served no subOS");

        Assert.False(_host.Loop.Exists);
        LoopCreateWorks();
    }

    [Fact]
    public void LoopCreate_OverANamespaceWithoutBridge_BuildsTheBridge()
    {
        // The create path itself copes with the leftover (no reconcile between).
        Run("ip", "netns", "add", Namespace);

        _host.Loop.EnsureSegment();

        Assert.True(_host.Loop.HasBridge());
    }

    [Fact]
    public void BridgeLost_WithAMember_IsRebuiltAndThePortJoinsAgain()
    {
        Create("a");
        Run("ip", "-n", Namespace, "link", "del", LoopNetwork.BridgeName);

        ReconcileExpecting("had no bridge rfbr0", "subOS 'a': its loop port");

        Assert.Equal([LoopNetwork.OuterLink("a")], PortsOnBridge());
        LoopCreateWorks("b");
    }

    [Fact]
    public void PortOfNoSubOs_IsRemoved()
    {
        Create("a");
        Run("ip", "-n", Namespace, "link", "add", "rfdeadbeef00", "type", "veth", "peer", "name", "rfdeadbeef01");

        ReconcileExpecting("link rfdeadbeef00", "link rfdeadbeef01");

        Assert.Equal([LoopNetwork.BridgeName, LoopNetwork.OuterLink("a")], _host.Loop.Links().Select(l => l.Name).Order(StringComparer.Ordinal));
        LoopCreateWorks("b");
    }

    [Fact]
    public void MembersPortMissing_IsAttachedAgain()
    {
        Create("a");
        Run("ip", "-n", Namespace, "link", "del", LoopNetwork.OuterLink("a"));
        Assert.NotEqual(0, _host.Exec("a", "test", "-e", "/sys/class/net/eth0").ExitCode);

        ReconcileExpecting("subOS 'a': its loop port");

        var (code, output) = _host.Exec("a", "cat", "/sys/class/net/eth0/operstate");
        Assert.Equal(0, code);
        Assert.Equal("up", output.Trim());
        Assert.Equal([LoopNetwork.OuterLink("a")], PortsOnBridge());
    }

    [Fact]
    public void SubOsDirectoryWithoutRow_IsRemoved()
    {
        var dir = _host.State.SubOsDirectory("ghost");
        Directory.CreateDirectory(Path.Combine(dir, "root"));

        ReconcileExpecting($"directory {dir} had no ledger entry");

        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void StaleMountInsideADirectory_IsDetachedBeforeTheDirectoryGoes()
    {
        var dir = _host.State.SubOsDirectory("ghost");
        var target = Path.Combine(dir, "root");
        Directory.CreateDirectory(target);
        var outside = Path.Combine(Path.GetTempPath(), $"rf-test-outside-{Guid.NewGuid():N}");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "keep"), "mine");
        try
        {
            Run("mount", "--bind", outside, target);

            ReconcileExpecting($"mount at {target}", $"directory {dir} had no ledger entry");

            Assert.False(MountTable.Read(Environment.ProcessId).IsMountPoint(target));
            Assert.False(Directory.Exists(dir));
            Assert.Equal("mine", File.ReadAllText(Path.Combine(outside, "keep")));
        }
        finally
        {
            if (MountTable.Read(Environment.ProcessId).IsMountPoint(target))
            {
                Run("umount", "-l", target);
            }

            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public void TemporaryDescriptionFile_IsRemoved()
    {
        Create("a", NetMode.None);
        var temp = Path.Combine(_host.State.SubOsDirectory("a"), "desc", ".subos.json.tmp");
        File.WriteAllText(temp, "{");

        ReconcileExpecting($"temporary file {temp}");

        Assert.False(File.Exists(temp));
    }

    [Fact]
    public void ChannelWhoseMemoryVanished_LeavesTheLedger_AndALostLinkIsLinkedAgain()
    {
        Create("a", NetMode.None);
        Create("b", NetMode.None);
        _host.Supervisor.CreateChannel(new ChannelOptions { Name = "gone", Members = ["a", "b"] });
        _host.Supervisor.CreateChannel(new ChannelOptions { Name = "kept", Members = ["a", "b"] });
        File.Delete(_host.State.ChannelObject("gone"));
        var lost = Path.Combine(_host.State.ChannelLinkDirectory("b"), "kept");
        File.Delete(lost);

        ReconcileExpecting("channel 'gone': its memory object was gone", "channel 'kept': member 'b' had lost its link");

        Assert.Equal(["kept"], _host.Supervisor.Channels().Select(c => c.Name));
        Assert.False(File.Exists(Path.Combine(_host.State.ChannelLinkDirectory("a"), "gone")));
        Assert.True(File.Exists(lost));
        Assert.Equal(0, _host.Exec("b", "test", "-f", "/run/rainforest/channels/kept").ExitCode);
    }
}
