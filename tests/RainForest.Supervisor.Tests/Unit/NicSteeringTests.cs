using System.Diagnostics;
using RainForest.Core;
using RainForest.Linux.Fixtures;
using RainForest.Linux.Topology;
using RainForest.Supervisor.Network;

namespace RainForest.Supervisor.Tests.Unit;

/// <summary>IRQ steering of a passed-through NIC, on a fixture kernel over a copy of the S-A tree (never the real /proc).</summary>
public sealed class NicSteeringTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestLedger _ledgerFile = new();
    private readonly string _root;
    private readonly FixtureKernel _kernel;

    public NicSteeringTests()
    {
        _root = _dir.PathTo("s-a");

        // cp -a keeps the fixture's sysfs symlinks as they are.
        using var copy = Process.Start("cp", ["-a", TestLedger.MachinePath("s-a"), _root]);
        copy.WaitForExit();
        Assert.Equal(0, copy.ExitCode);
        _kernel = new FixtureKernel(_root) { Cpus = CpuSet.Parse("0-23") };
    }

    public void Dispose()
    {
        _ledgerFile.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void Steer_ThenRestore_MovesEveryIrqAndPutsItBack()
    {
        var irqs = TopologyReader.Read(_root).NetworkInterfaces.Single(n => n.Name == "eth2").Irqs;
        Assert.NotEmpty(irqs);
        var before = irqs.ToDictionary(i => i, Affinity);
        using var ledger = _ledgerFile.Open();
        var steering = new NicSteering(_kernel, ledger);

        using (ledger.BeginWrite())
        {
            Assert.Equal(irqs.Count, steering.Steer("eth2", CpuSet.Parse("4-5")));
            ledger.Commit();
        }

        Assert.All(irqs, i => Assert.Equal("4-5", Affinity(i)));

        using (ledger.BeginWrite())
        {
            steering.Restore("eth2");
            ledger.Commit();
        }

        Assert.All(irqs, i => Assert.Equal(before[i], Affinity(i)));
        Assert.Empty(ledger.SavedHostSettings());
    }

    [Fact]
    public void Steer_ManagedIrq_KernelRefusesItAndTheRestAreSteered()
    {
        var irqs = TopologyReader.Read(_root).NetworkInterfaces.Single(n => n.Name == "eth2").Irqs;
        _kernel.ManagedIrqs.Add(irqs[0]);
        var before = Affinity(irqs[0]);
        using var ledger = _ledgerFile.Open();

        using (ledger.BeginWrite())
        {
            Assert.Equal(irqs.Count - 1, new NicSteering(_kernel, ledger).Steer("eth2", CpuSet.Parse("4-5")));
            ledger.Commit();
        }

        Assert.Equal(before, Affinity(irqs[0]));
        Assert.All(irqs.Skip(1), i => Assert.Equal("4-5", Affinity(i)));
    }

    [Fact]
    public void Steer_UnknownDevice_ChangesNothing()
    {
        using var ledger = _ledgerFile.Open();
        using (ledger.BeginWrite())
        {
            Assert.Equal(0, new NicSteering(_kernel, ledger).Steer("nope0", CpuSet.Parse("1")));
            ledger.Commit();
        }

        Assert.Empty(ledger.SavedHostSettings());
    }

    [Fact]
    public void HostsFile_ListsLoopMembersWithTheirDomain()
    {
        var text = LoopNetwork.HostsFile("a", "10.77.0.2", [("b", "10.77.0.3"), ("a", "10.77.0.2")]);

        Assert.Contains("10.77.0.2\ta.rf a\n", text, StringComparison.Ordinal);
        Assert.Contains("10.77.0.3\tb.rf b\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.1.1", text, StringComparison.Ordinal);
        Assert.Contains("127.0.1.1\tsolo solo.rf", LoopNetwork.HostsFile("solo", null, []), StringComparison.Ordinal);
    }

    [Fact]
    public void NextAddress_SkipsUsedAndRefusesAFullSegment()
    {
        Assert.Equal("10.77.0.2", LoopNetwork.NextAddress([]));
        Assert.Equal("10.77.0.4", LoopNetwork.NextAddress(["10.77.0.2", "10.77.0.3"]));
        var all = Enumerable.Range(2, 253).Select(LoopNetwork.AddressOf);
        Assert.Equal(2, Assert.Throws<RfException>(() => LoopNetwork.NextAddress(all)).ExitCode);
    }

    private string Affinity(int irq) => File.ReadAllText(Path.Combine(_root, "proc/irq", irq.ToString(System.Globalization.CultureInfo.InvariantCulture), "smp_affinity_list")).Trim();
}
