using System.Text.Json.Serialization;
using RainForest.Bench.Harness.Channels;
using RainForest.Bench.Harness.Lifecycle;

namespace RainForest.Bench.Cli;

/// <summary>Source-generated JSON for the <c>--json</c> documents of lifecycle and channels (the experiments print <see cref="Report.BenchRun"/>).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LifecycleReport))]
[JsonSerializable(typeof(ChannelsReport))]
internal sealed partial class BenchCliJsonContext : JsonSerializerContext;
