using System.Text.Json;
using System.Text.Json.Serialization;

namespace RainForest.Vm.Qemu;

/// <summary>One line QEMU sends on a QMP socket: the greeting, an event, or the answer to a command.</summary>
public sealed record QmpMessage
{
    /// <summary>Set on the greeting only.</summary>
    [JsonPropertyName("QMP")]
    public JsonElement? Greeting { get; init; }

    /// <summary>Set on an asynchronous event (which the client skips).</summary>
    [JsonPropertyName("event")]
    public string? Event { get; init; }

    /// <summary>A successful command's result.</summary>
    [JsonPropertyName("return")]
    public JsonElement? Return { get; init; }

    /// <summary>A failed command's error.</summary>
    [JsonPropertyName("error")]
    public QmpError? Error { get; init; }
}
