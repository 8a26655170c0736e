namespace RainForest.Supervisor.Kernels;

/// <summary>How a TCG guest gives up a vCPU (<see cref="VcpuBudget.Remove"/>).</summary>
public enum VcpuRemoval
{
    /// <summary>QMP <c>device_del</c>: the guest ejects it and QEMU ends its thread.</summary>
    Unplug,

    /// <summary>The guest offlines it through its control port; the vCPU stays, its thread asleep, for a later grow.</summary>
    Park,
}
