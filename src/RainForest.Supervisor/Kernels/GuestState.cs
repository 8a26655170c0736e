namespace RainForest.Supervisor.Kernels;

/// <summary>
/// What a kernel subOS's directory records of its running QEMU (<c>guest.json</c>), so that any later rfm (the one
/// that started it may be gone) can find, verify and end it.
/// </summary>
/// <param name="Pid">QEMU's pid.</param>
/// <param name="Start">Its start time in clock ticks, against pid reuse.</param>
/// <param name="MemoryBytes">The guest memory it booted with.</param>
/// <param name="Cpus">The host CPUs its vCPUs are pinned to, in vCPU order (kernel list format).</param>
public sealed record GuestState(int Pid, long Start, long MemoryBytes, string Cpus);
