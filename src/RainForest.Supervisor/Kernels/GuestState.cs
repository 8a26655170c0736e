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
/// a parked vCPU's thread sleeps. Under TCG, where QEMU cannot plug a vCPU again after an unplug (it never frees a
/// vCPU thread's TCG context: 7.2 corrupts its heap, 10.0 fails an assertion; <c>scripts/tcg-vcpu-replug</c>).
/// </param>
public sealed record GuestState(
    int Pid,
    long Start,
    long MemoryBytes,
    string Cpus,
    int MaxCpus = 0,
    long BaseMemoryBytes = 0,
    long MaxMemoryBytes = 0,
    [property: JsonConverter(typeof(JsonStringEnumConverter<GuestMemoryDevice>))] GuestMemoryDevice MemoryDevice = GuestMemoryDevice.None,
    bool ParkedVcpus = false);
