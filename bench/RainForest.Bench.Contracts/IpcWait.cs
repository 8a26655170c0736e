using System.Text.Json.Serialization;

namespace RainForest.Bench.Contracts;

/// <summary>How rf-ipc-bench's receiver waits for the next message.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IpcWait>))]
public enum IpcWait
{
    /// <summary>FICM: spin on the ring, never sleep.</summary>
    [JsonStringEnumMemberName("spin")]
    Spin,

    /// <summary>FICM: spin briefly (<c>--spin-us</c>), then sleep on the ring's futex; the futex transport: sleep at once.</summary>
    [JsonStringEnumMemberName("sleep")]
    Sleep,

    /// <summary>Sockets and pipes: a blocking read (the kernel wakes the receiver).</summary>
    [JsonStringEnumMemberName("block")]
    Block,
}
