using System.Text.Json.Serialization;

namespace RainForest.Vm.Qemu;

/// <summary>A QMP command without arguments.</summary>
/// <param name="Execute">The command's name.</param>
public sealed record QmpCommand([property: JsonPropertyName("execute")] string Execute);
