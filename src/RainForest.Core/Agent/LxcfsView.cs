namespace RainForest.Core.Agent;

/// <summary>
/// The files of /proc and /sys that lxcfs renders from the reader's own cgroups, so that a subOS sees its own
/// CPUs, memory and uptime instead of the host's: the agent binds the supervisor's lxcfs files over these.
/// </summary>
/// <remarks>
/// lxcfs answers each read for the cgroups of the reader's pid namespace's init, the subOS's agent: cpuinfo
/// lists the subOS's cpuset (renumbered from processor 0), meminfo takes MemTotal from its memory limit, stat
/// keeps only its CPUs, uptime counts from the agent's start. Reads follow a resize at once: lxcfs keeps no copy.
/// </remarks>
public static class LxcfsView
{
    /// <summary>The files, relative to the root (and to lxcfs's mount point, which has the same layout).</summary>
    public static IReadOnlyList<string> Files { get; } =
    [
        "proc/cpuinfo", "proc/meminfo", "proc/stat", "proc/uptime", "proc/loadavg", "proc/diskstats", "proc/swaps",
        "sys/devices/system/cpu/online",
    ];

    /// <summary>The file read to tell a live view from a dead one: the cheapest lxcfs renders.</summary>
    public const string ProbeFile = "proc/uptime";
}
