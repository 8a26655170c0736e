using System.Text.Json.Serialization;

namespace RainForest.Vm.Qemu;

/// <summary>The balloon as QMP's <c>query-balloon</c> reports it.</summary>
public sealed record QmpBalloon
{
    /// <summary>The memory the balloon leaves the guest, in bytes.</summary>
    [JsonPropertyName("actual")]
    public long Actual { get; init; }
}
