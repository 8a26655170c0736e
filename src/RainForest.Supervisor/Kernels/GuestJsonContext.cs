using System.Text.Json.Serialization;

namespace RainForest.Supervisor.Kernels;

/// <summary>Source-generated JSON for the kernel backend's own files.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(GuestState))]
internal sealed partial class GuestJsonContext : JsonSerializerContext;
