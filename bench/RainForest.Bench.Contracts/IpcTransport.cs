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

    /// <summary>
    /// A raw futex ping: a ring in a shared file whose head word is a futex; the receiver never spins, it sleeps
    /// in FUTEX_WAIT, and the sender wakes it with FUTEX_WAKE after every message. The floor of any receiver
    /// that sleeps, FICM's included.
    /// </summary>
    [JsonStringEnumMemberName("futex")]
    Futex,
}
