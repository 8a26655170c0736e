using System.Text.Json;
using System.Text.Json.Serialization;
using RainForest.Core;

namespace RainForest.Supervisor.Json;

/// <summary>Writes a NUMA node set as its list string (<c>"0-1"</c>), as the kernel's cpuset.mems does.</summary>
public sealed class NodeSetJsonConverter : JsonConverter<NodeSet>
{
    /// <inheritdoc/>
    public override NodeSet Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        NodeSet.Parse(reader.GetString() ?? string.Empty);

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, NodeSet value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
