using RainForest.Core;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Network;

namespace RainForest.Supervisor.Ledger;

/// <summary>One subOS's resource description, as the ledger holds it.</summary>
public sealed record SubOsRecord
{
    /// <summary>Name, also hostname.</summary>
    public required string Name { get; init; }

    /// <summary>Life-cycle state.</summary>
    public required SubOsState State { get; init; }

    /// <summary>Owned CPUs.</summary>
    public required CpuSet Cpus { get; init; }

    /// <summary>Memory nodes (NUMA) it allocates from.</summary>
    public required NodeSet Mems { get; init; }

    /// <summary>Memory size.</summary>
    public required ByteSize Memory { get; init; }

    /// <summary>Lower layer of its root: <c>/</c> or the --rootfs directory.</summary>
    public required string RootFs { get; init; }

    /// <summary>When it was created.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>Host pid of its agent (pid 1 inside).</summary>
    public int AgentPid { get; init; }

    /// <summary>Start time of the agent, in clock ticks since boot; guards against pid reuse.</summary>
    public long AgentStart { get; init; }

    /// <summary>Host pid of the util-linux unshare process that waits for the agent.</summary>
    public int MonitorPid { get; init; }

    /// <summary>Incremented on every resize; shown in the description inside.</summary>
    public int Revision { get; init; }

    /// <summary>Network: loopback only, or joined to the supervisor's RFloop segment.</summary>
    public NetMode Net { get; init; } = NetMode.None;

    /// <summary>Its address on the loop segment, or null.</summary>
    public string? Address { get; init; }

    /// <summary>Host network interfaces moved into it.</summary>
    public IReadOnlyList<string> Nics { get; init; } = [];

    /// <summary>True when created with --privileged: root inside is the host's root (no user namespace, filter or masks).</summary>
    public bool Privileged { get; init; }

    /// <summary>First host uid/gid of the subOS's id range (root inside); 0 for a privileged subOS.</summary>
    public long IdBase { get; init; }

    /// <summary>Most tasks (processes and threads) the subOS may hold at once: its pids limit.</summary>
    public long PidsMax { get; init; }

    /// <summary>What realises it: the cell today. Ledgers from before backends read back as cells.</summary>
    public SubOsBackendKind Backend { get; init; } = SubOsBackendKind.Cell;

    /// <summary>The guest of a kernel subOS (its kernel and accelerator); null for a cell, and then left out of JSON.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public Kernels.GuestSpec? Guest { get; init; }

    /// <summary>
    /// What the pool counts for this subOS: its CPUs, and its memory with what its backend needs beside it on the host
    /// (<see cref="Kernels.KernelBackend.Overhead"/> for QEMU, for a kernel subOS), so that the pool never hands out
    /// memory that a guest's QEMU holds.
    /// </summary>
    public Core.Model.SubOsAllocation Allocation() => new(Cpus, Backend == SubOsBackendKind.Kernel ? Memory + Kernels.KernelBackend.Overhead : Memory);

    /// <summary>Field-by-field equality (the NIC list by content).</summary>
    public bool Equals(SubOsRecord? other) =>
        other is not null && Name == other.Name && State == other.State && Cpus.Equals(other.Cpus) && Mems.Equals(other.Mems)
        && Memory == other.Memory && RootFs == other.RootFs && Created == other.Created && AgentPid == other.AgentPid
        && AgentStart == other.AgentStart && MonitorPid == other.MonitorPid && Revision == other.Revision && Net == other.Net
        && Address == other.Address && Nics.SequenceEqual(other.Nics) && Privileged == other.Privileged && IdBase == other.IdBase
        && PidsMax == other.PidsMax && Backend == other.Backend && Equals(Guest, other.Guest);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Cpus, Memory, Revision, AgentPid, Address);
}
