using System.Text.Json.Serialization;
using RainForest.Core.Topology;

namespace RainForest.Linux.Tests.Topology;

/// <summary>The source-generated serializer the CLI's <c>--json</c> will use, checked here against the model.</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(MachineTopology))]
internal sealed partial class TopologyJsonContext : JsonSerializerContext;
