using System.Text.Json;
using System.Text.Json.Serialization;
using RainForest.Core;

namespace RainForest.Supervisor.Json;

/// <summary>Writes a CPU set as its cpulist string (<c>"0-3,8"</c>).</summary>
public sealed class CpuSetJsonConverter : JsonConverter<CpuSet>
{
    /// <inheritdoc/>
    public override CpuSet Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        CpuSet.Parse(reader.GetString() ?? string.Empty);

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, CpuSet value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
