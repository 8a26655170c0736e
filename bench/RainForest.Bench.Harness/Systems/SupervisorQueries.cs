using RainForest.Core;
using RainForest.Linux.Cgroups;
using RainForest.Supervisor;
using RainForest.Supervisor.Cells;

namespace RainForest.Bench.Harness.Systems;

/// <summary>
/// What the benchmarks ask about a supervisor beyond its facade's create, resize, destroy, list and exec, all in
/// one place, so that the rest of the harness uses <see cref="RainForestSupervisor"/>'s facade only.
/// </summary>
/// <remarks>
/// The CPUs still free to hand out (<see cref="FreeCpus"/>) come from the facade's pool summary. Two answers are not
/// on the facade: where a subOS sees RainForest's programs (<see cref="InsidePath"/>, the cell backend's
/// constants) and which agent binary supervisors start (<see cref="UseAgentUnlessSet"/>, the cell backend's
/// variable). The kernel's own view of a subOS (its memory limit, its tasks) is read by
/// <see cref="KernelView"/>, a cgroup driver of the bench's own over the supervisor's prefix: the benchmarks
/// time changes until the kernel shows them, so they ask the kernel, not the supervisor's records.
/// </remarks>
internal static class SupervisorQueries
{
    /// <summary>The CPUs no subOS and no reserve holds.</summary>
    public static CpuSet FreeCpus(RainForestSupervisor supervisor) => supervisor.Pool().FreeCpus;

    /// <summary>Whether the ledger holds a subOS of that name (running or dead).</summary>
    public static bool Exists(RainForestSupervisor supervisor, string name) => supervisor.List().Any(s => s.Record.Name == name);

    /// <summary>Makes the supervisors of this process start <paramref name="agent"/>, unless <c>RF_AGENT</c> already names one.</summary>
    public static void UseAgentUnlessSet(string agent)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(CellBackend.AgentVariable)))
        {
            Environment.SetEnvironmentVariable(CellBackend.AgentVariable, agent);
        }
    }

    /// <summary>Fails when the agent binary is missing, before any subOS is made.</summary>
    /// <exception cref="RfException">It is missing.</exception>
    public static void RequireAgent() => _ = CellBackend.AgentPath;

    /// <summary>
    /// A host path as a subOS sees it: RainForest's own programs (the agent's directory and everything below it,
    /// the bench's tools included) are shown at /run/rainforest/bin inside, wherever the host keeps them (the
    /// host's /tmp is private in a subOS); other paths are unchanged.
    /// </summary>
    public static string InsidePath(string hostPath)
    {
        var agentDir = Path.GetDirectoryName(CellBackend.AgentPath)!;
        return hostPath.StartsWith(agentDir + "/", StringComparison.Ordinal)
            ? CellBackend.ToolsInside + hostPath[agentDir.Length..]
            : hostPath;
    }

    /// <summary>Reads the supervisor's cgroups from the kernel (never writes them).</summary>
    public static CgroupDriver KernelView(RainForestSupervisor supervisor) =>
        CgroupDriver.For(CgroupLayout.Detect(), supervisor.State.Prefix);

    /// <summary>The cgroup mode of this machine as users see it: v1, hybrid or v2.</summary>
    public static string CgroupMode() => CgroupLayout.Detect().ModeName;
}
