using System.Text.Json.Serialization;

namespace RainForest.Bench.Harness.Programs;

/// <summary>Source-generated JSON for iperf3's document, whose names are snake_case.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Iperf3Report))]
internal sealed partial class Iperf3JsonContext : JsonSerializerContext;
