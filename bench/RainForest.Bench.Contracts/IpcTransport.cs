using System.Text.Json.Serialization;

namespace RainForest.Bench.Contracts;

/// <summary>How rf-ipc-bench moves its messages between the two processes.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IpcTransport>))]
public enum IpcTransport
{
    /// <summary>A FICM channel file (shared memory), the same between two subOSes as between host processes.</summary>
    [JsonStringEnumMemberName("ficm")]
    Ficm,

    /// <summary>A Unix domain socket (SOCK_SEQPACKET).</summary>
    [JsonStringEnumMemberName("unix")]
    Unix,

    /// <summary>A named pipe (FIFO).</summary>
    [JsonStringEnumMemberName("pipe")]
    Pipe,

    /// <summary>TCP over loopback, Nagle off.</summary>
    [JsonStringEnumMemberName("tcp")]
    Tcp,
}
