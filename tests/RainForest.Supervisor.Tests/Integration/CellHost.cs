using System.Diagnostics;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Guard;
using RainForest.Supervisor.Cells;
using RainForest.Supervisor.Ledger;
using RainForest.Supervisor.Network;

namespace RainForest.Supervisor.Tests.Integration;

/// <summary>
/// A supervisor on the real kernel with its own temporary state directory (and so its own prefix),
/// removed with everything it made when the test ends, also when the test failed.
/// </summary>
public sealed class CellHost : IDisposable
{
    private static readonly Lock s_buildLock = new();

    public CellHost()
    {
        EnsureAgent();
        StatePath = Path.Combine(Path.GetTempPath(), $"rf-test-state-{Guid.NewGuid():N}");
        State = new StateDirectory(StatePath);

        // The tests look at the kernel past the supervisor, as an outsider would: a driver and a segment of their own
        // for the same prefix.
        Cgroups = CgroupDriver.For(CgroupLayout.Detect("/"), State.Prefix);
        Loop = new LoopNetwork(new PrefixGuard([State.SubOsRoot], State.Prefix));
        Supervisor = RainForestSupervisor.Open(State);
        Supervisor.Init(new InitOptions { ReserveCpus = CpuSet.Empty, ReserveMemory = ByteSize.FromMiB(512) });
    }

    public string StatePath { get; }

    public StateDirectory State { get; }

    public RainForestSupervisor Supervisor { get; }

    /// <summary>A cgroup driver for this supervisor's prefix, to read (or disturb) what the kernel holds.</summary>
    public CgroupDriver Cgroups { get; }

    /// <summary>This supervisor's RFloop segment, seen from outside (its namespace and filter table).</summary>
    public LoopNetwork Loop { get; }

    /// <summary>The ledger's record of a subOS, or null.</summary>
    public SubOsRecord? Find(string name) => Records().FirstOrDefault(r => r.Name == name);

    /// <summary>Every subOS the ledger records.</summary>
    public IReadOnlyList<SubOsRecord> Records() => [.. Supervisor.List().Select(s => s.Record)];

    public SubOsRecordHandle Create(string name, string cpus = "1", string memory = "256M") =>
        new(Supervisor.Create(new CreateOptions { Name = name, Cpus = CpuRequest.Parse(cpus, false), Memory = ByteSize.Parse(memory) }).Name);

    /// <summary>Runs a command inside and returns its exit code and what it printed.</summary>
    public (int ExitCode, string Stdout) Exec(string name, params string[] argv) => Exec(name, tty: false, argv);

    /// <summary>Runs a command inside, on a terminal of the subOS's own when <paramref name="tty"/> is set.</summary>
    public (int ExitCode, string Stdout) Exec(string name, bool tty, params string[] argv) =>
        ExecClient.RunCaptured(Supervisor.AgentSocket(name), argv, tty);

    public void Dispose()
    {
        try
        {
            Supervisor.Deinit(force: true);
        }
        finally
        {
            Supervisor.Dispose();
            Directory.Delete(StatePath, recursive: true);
        }
    }

    private static void EnsureAgent()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(CellBackend.AgentVariable)))
        {
            return;
        }

        // Tests use the NativeAOT agent that ./rfm builds; build it once if this run is the first.
        var repo = FindRepo();
        var agent = Path.Combine(repo, ".build/bin/rf-agent");
        lock (s_buildLock)
        {
            if (!File.Exists(agent))
            {
                using var build = Process.Start(new ProcessStartInfo(Path.Combine(repo, "rfm"), "--version") { RedirectStandardOutput = true })!;
                build.WaitForExit();
            }
        }

        Environment.SetEnvironmentVariable(CellBackend.AgentVariable, agent);
    }

    public static string FindRepo()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "RainForest.slnx")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("cannot find the repository root");
        }

        return dir;
    }

    /// <summary>Names a created subOS.</summary>
    public sealed record SubOsRecordHandle(string Name);
}
