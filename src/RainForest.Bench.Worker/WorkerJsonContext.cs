using System.Text.Json.Serialization;

namespace RainForest.Bench.Worker;

/// <summary>Source-generated JSON for <see cref="MicroResult"/>: no reflection, so it works under NativeAOT.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(MicroResult))]
internal sealed partial class WorkerJsonContext : JsonSerializerContext;
