using System.Text.Json.Serialization;

namespace RainForest.Bench.Report;

/// <summary>Source-generated JSON for the results model.</summary>
[JsonSerializable(typeof(BenchRun))]
[JsonSerializable(typeof(WorkerResult))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
