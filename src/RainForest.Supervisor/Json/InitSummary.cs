using RainForest.Linux.Cgroups;

namespace RainForest.Supervisor.Json;

/// <summary>What <c>rfm init --json</c> prints.</summary>
/// <param name="Prefix">The kernel-object prefix of this supervisor.</param>
/// <param name="CgroupMode">The cgroup interface it drives.</param>
/// <param name="ReserveCpus">The supervisor's CPUs, as a cpulist.</param>
/// <param name="ReserveMemory">The supervisor's memory, in bytes.</param>
/// <param name="HostConfined">Whether host tasks, workqueues and IRQs were confined to the supervisor's CPUs.</param>
/// <param name="MachineKey">The machine's identity, which a later init compares.</param>
public sealed record InitSummary(string Prefix, CgroupMode CgroupMode, string ReserveCpus, long ReserveMemory, bool HostConfined, string MachineKey);
