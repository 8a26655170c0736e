using System.Text.Json.Serialization;

namespace RainForest.Bench.Ipc;

/// <summary>Source-generated JSON for the result line.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IpcResult))]
public sealed partial class IpcJsonContext : JsonSerializerContext;
