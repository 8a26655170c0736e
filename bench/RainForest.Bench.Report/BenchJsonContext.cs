using System.Text.Json.Serialization;

namespace RainForest.Bench.Report;

/// <summary>Source-generated JSON for the results model.</summary>
[JsonSerializable(typeof(BenchRun))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
