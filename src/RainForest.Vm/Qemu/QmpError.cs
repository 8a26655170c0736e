using System.Text.Json.Serialization;

namespace RainForest.Vm.Qemu;

/// <summary>The error member of a failed QMP command.</summary>
public sealed record QmpError
{
    /// <summary>QEMU's error class (<c>GenericError</c>, <c>CommandNotFound</c>...).</summary>
    [JsonPropertyName("class")]
    public string? Class { get; init; }

    /// <summary>The message for people.</summary>
    [JsonPropertyName("desc")]
    public string? Description { get; init; }
}
