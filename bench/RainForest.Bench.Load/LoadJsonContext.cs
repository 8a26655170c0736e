using System.Text.Json.Serialization;

namespace RainForest.Bench.Load;

/// <summary>System.Text.Json metadata for the generator's results, for trimmed and NativeAOT builds.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LoadResult))]
[JsonSerializable(typeof(SweepResult))]
public sealed partial class LoadJsonContext : JsonSerializerContext;
