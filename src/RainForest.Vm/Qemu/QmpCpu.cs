using System.Text.Json.Serialization;

namespace RainForest.Vm.Qemu;

/// <summary>One vCPU as QMP's <c>query-cpus-fast</c> reports it.</summary>
public sealed record QmpCpu
{
    /// <summary>The vCPU's index in the guest (0 for the boot CPU).</summary>
    [JsonPropertyName("cpu-index")]
    public int CpuIndex { get; init; }

    /// <summary>The host thread that runs it (a TID in QEMU's process).</summary>
    [JsonPropertyName("thread-id")]
    public int ThreadId { get; init; }

    /// <summary>The vCPU's object in QEMU's tree, which names its slot in <see cref="QmpCpuSlot.QomPath"/>.</summary>
    [JsonPropertyName("qom-path")]
    public string? QomPath { get; init; }
}
