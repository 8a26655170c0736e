using System.Reflection;
using RainForest.Core;
using RainForest.Core.Topology;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Topology;
using RainForest.Supervisor.Ledger;

namespace RainForest.Supervisor.Tests.Unit;

/// <summary>A ledger file in a fresh temporary directory; every connection opened through it is closed and the directory removed on dispose.</summary>
internal sealed class TestLedger : IDisposable
{
    private static readonly Lazy<MachineTopology> s_sa = new(() => TopologyReader.Read(MachinePath("s-a")));
    private readonly TempDirectory _dir = new();
    private readonly List<ResourceLedger> _opened = [];

    /// <summary>The ledger file.</summary>
    public string Path => _dir.PathTo("ledger.db");

    /// <summary>The paper's S-A (24 CPUs on 2 nodes, 32G), read from its fixture tree.</summary>
    public static MachineTopology SA => s_sa.Value;

    /// <summary>The default reserve on S-A: the first core of each node.</summary>
    public static CpuSet SAReserve => SA.FirstCorePerNode();

    /// <summary>The supervisor's memory reserve used with S-A.</summary>
    public static ByteSize SAReserveMemory => ByteSize.Parse("1G");

    /// <summary>Opens one more connection to the file (as another rfm process would).</summary>
    public ResourceLedger Open()
    {
        var ledger = ResourceLedger.Open(Path);
        _opened.Add(ledger);
        return ledger;
    }

    /// <summary>Opens the ledger and records S-A with its default reserve, as <c>rfm init</c> would.</summary>
    public ResourceLedger OpenInitialized()
    {
        var ledger = Open();
        using (ledger.BeginWrite())
        {
            ledger.SetMachine(Machine());
            ledger.Commit();
        }

        return ledger;
    }

    /// <summary>The S-A machine record.</summary>
    public static MachineRecord Machine() => new()
    {
        Topology = SA,
        ReserveCpus = SAReserve,
        ReserveMemory = SAReserveMemory,
        Prefix = "rf-test",
        CgroupMode = CgroupMode.Hybrid,
        Initialized = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero),
    };

    /// <summary>A running subOS record.</summary>
    public static SubOsRecord Record(string name, string cpus, string memory = "1G") => new()
    {
        Name = name,
        State = SubOsState.Running,
        Cpus = CpuSet.Parse(cpus),
        Mems = NodeSet.Of(0),
        Memory = ByteSize.Parse(memory),
        RootFs = "/",
        Created = new DateTimeOffset(2024, 5, 1, 12, 30, 15, TimeSpan.FromHours(2)).AddTicks(1234567),
    };

    /// <summary>The committed tree of a machine fixture (<c>s-a</c>, <c>s-b</c>, <c>this-vm</c>).</summary>
    public static string MachinePath(string name)
    {
        var path = FixturePath("machines", name);
        return Directory.Exists(path) ? path : throw new DirectoryNotFoundException($"No machine fixture at {path}.");
    }

    /// <summary>A path under tests/fixtures.</summary>
    public static string FixturePath(params string[] parts)
    {
        var fixtures = typeof(TestLedger).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "FixturesDir").Value!;
        return System.IO.Path.Combine([fixtures, .. parts]);
    }

    public void Dispose()
    {
        foreach (var ledger in _opened)
        {
            ledger.Dispose();
        }

        _dir.Dispose();
    }
}
