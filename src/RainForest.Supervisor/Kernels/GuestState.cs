using System.Text.Json.Serialization;

namespace RainForest.Supervisor.Kernels;

/// <summary>
/// What a kernel subOS's directory records of its running QEMU (<c>guest.json</c>), so that any later rfm (the one
/// that started it may be gone) can find, verify, resize and end it.
/// </summary>
/// <param name="Pid">QEMU's pid.</param>
/// <param name="Start">Its start time in clock ticks, against pid reuse.</param>
/// <param name="MemoryBytes">The guest's memory now: what it booted with, then what the last resize gave it.</param>
/// <param name="Cpus">The host CPUs its vCPUs are pinned to now (kernel list format).</param>
/// <param name="MaxCpus">The most vCPUs it may have (<c>maxcpus</c>); 0 for a guest booted before live resize.</param>
/// <param name="BaseMemoryBytes">Its boot memory, which no resize takes away; 0 for a guest booted before live resize.</param>
/// <param name="MaxMemoryBytes">The most memory it may have: boot memory and the hot-pluggable device together.</param>
/// <param name="MemoryDevice">How its memory changes while it runs.</param>
/// <param name="ParkedVcpus">
/// Whether its vCPUs change by parking rather than QMP hot-plug: QEMU starts all <paramref name="MaxCpus"/> of them,
/// the guest keeps those beyond its share offline (its control port takes <c>online N</c> and <c>offline N</c>), and
/// a parked vCPU's thread sleeps. TCG guests booted before budgeted hot-plug (<see cref="VcpuSlots"/>) are so.
/// </param>
/// <param name="VcpuSlots">
/// Under TCG, the vCPU threads this QEMU may start in its life (its <c>maxcpus</c>, <see cref="VcpuBudget.Slots"/>); 0
/// where there is no budget (KVM) or the guest was booted before budgeted hot-plug.
/// </param>
/// <param name="VcpuThreads">
/// The vCPU threads this QEMU has started: its boot vCPUs, then one more written before each <c>device_add</c> is tried.
/// </param>
/// <param name="VcpuUnplugs">Whether its vCPUs may be unplugged under TCG (<see cref="VcpuBudget.Unplugs"/>: QEMU 10 and later).</param>
public sealed record GuestState(
    int Pid,
    long Start,
    long MemoryBytes,
    string Cpus,
    int MaxCpus = 0,
    long BaseMemoryBytes = 0,
    long MaxMemoryBytes = 0,
    [property: JsonConverter(typeof(JsonStringEnumConverter<GuestMemoryDevice>))] GuestMemoryDevice MemoryDevice = GuestMemoryDevice.None,
    bool ParkedVcpus = false,
    int VcpuSlots = 0,
    int VcpuThreads = 0,
    bool VcpuUnplugs = false)
{
    /// <summary>How its vCPUs change (written to <c>guest.json</c> for a reader; derived from the fields above).</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<GuestVcpuMode>))]
    public GuestVcpuMode VcpuMode => ParkedVcpus ? GuestVcpuMode.Parked : VcpuSlots > 0 ? GuestVcpuMode.Budget : GuestVcpuMode.Hotplug;

    /// <summary>Its vCPU thread budget under TCG; null without one.</summary>
    [JsonIgnore]
    public VcpuBudget? Budget => VcpuSlots > 0 && !ParkedVcpus ? new VcpuBudget(VcpuSlots, VcpuThreads, MaxCpus, VcpuUnplugs) : null;
}
