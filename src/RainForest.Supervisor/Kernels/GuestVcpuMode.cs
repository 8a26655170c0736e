namespace RainForest.Supervisor.Kernels;

/// <summary>How a kernel subOS's vCPUs change while it runs (<see cref="GuestState.VcpuMode"/>).</summary>
public enum GuestVcpuMode
{
    /// <summary>QMP hot-plug both ways, without a budget (KVM, and guests from before live resize).</summary>
    Hotplug,

    /// <summary>TCG: QMP hot-plug within QEMU's vCPU thread budget (<see cref="VcpuBudget"/>), parking past it.</summary>
    Budget,

    /// <summary>TCG guests booted before budgeted hot-plug: every vCPU booted, those beyond the share parked.</summary>
    Parked,
}
