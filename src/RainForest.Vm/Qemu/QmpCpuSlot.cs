using System.Text.Json.Serialization;

namespace RainForest.Vm.Qemu;

/// <summary>One vCPU slot as QMP's <c>query-hotpluggable-cpus</c> reports it: plugged (with a QOM path) or free.</summary>
public sealed record QmpCpuSlot
{
    /// <summary>The CPU device's driver (<c>max-x86_64-cpu</c>), which <c>device_add</c> takes.</summary>
    [JsonPropertyName("type")]
    public string Type { get; init; } = string.Empty;

    /// <summary>The slot's place in the topology (<c>socket-id</c>, <c>core-id</c>, <c>thread-id</c>, <c>node-id</c>), which <c>device_add</c> takes as they are.</summary>
    [JsonPropertyName("props")]
    public Dictionary<string, int> Props { get; init; } = [];

    /// <summary>The vCPU in the slot; null while the slot is free.</summary>
    [JsonPropertyName("qom-path")]
    public string? QomPath { get; init; }
}
