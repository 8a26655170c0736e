using System.Text.Json.Serialization;

namespace RainForest.Core.Agent;

/// <summary>What an <see cref="AgentRequest"/> asks of the agent; on the wire, the lower-case names below.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AgentOp>))]
public enum AgentOp
{
    /// <summary>Run a program; its stdin, stdout and stderr travel with the request as descriptors.</summary>
    [JsonStringEnumMemberName("exec")]
    Exec,

    /// <summary>Answer with the agent's status.</summary>
    [JsonStringEnumMemberName("ping")]
    Ping,

    /// <summary>Send <see cref="AgentRequest.Signal"/> to the program this connection started.</summary>
    [JsonStringEnumMemberName("signal")]
    Signal,

    /// <summary>Resize the terminal of the program this connection started.</summary>
    [JsonStringEnumMemberName("resize")]
    Resize,

    /// <summary>
    /// Replace the subOS's lxcfs files whose connection died (lxcfs was restarted): the descriptors are detached
    /// mounts of the new lxcfs's files, one for each of <see cref="AgentRequest.Paths"/>.
    /// </summary>
    [JsonStringEnumMemberName("rebind-view")]
    RebindView,
}
