namespace RainForest.Linux.Cgroups;

/// <summary>What a subOS's cgroups say it has used, read on demand (a metrics scrape); null where this kernel keeps no such count.</summary>
/// <param name="CpuSeconds">CPU time used, user and system: <c>cpu.stat usage_usec</c> on v2; on v1, where a subOS has no cpuacct group, the CPU time of its processes and of the children they reaped (<c>/proc/PID/stat</c>).</param>
/// <param name="ThrottledSeconds">Time its tasks were held back by a CPU bandwidth limit (<c>cpu.stat throttled_usec</c>, with the cpu controller); null without one.</param>
/// <param name="MemoryLimitBytes">Its hard memory limit; null when unlimited.</param>
/// <param name="MemoryUsageBytes">Memory charged to it now.</param>
/// <param name="MemoryFailures">How often its usage hit the limit: <c>memory.events max</c> (v2), <c>memory.failcnt</c> (v1).</param>
/// <param name="OomKills">Processes the OOM killer killed in it: <c>memory.events oom_kill</c> (v2), <c>memory.oom_control oom_kill</c> (v1, Linux 4.13+).</param>
/// <param name="PidsCurrent">Tasks in it now (<c>pids.current</c>; its processes where there is no pids controller).</param>
/// <param name="PidsLimit">Its pids limit; null when there is none.</param>
public sealed record CgroupUsage(
    double? CpuSeconds, double? ThrottledSeconds, long? MemoryLimitBytes, long MemoryUsageBytes, long? MemoryFailures, long? OomKills, long PidsCurrent, long? PidsLimit);
