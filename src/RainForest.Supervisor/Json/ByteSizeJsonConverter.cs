using System.Text.Json;
using System.Text.Json.Serialization;
using RainForest.Core;

namespace RainForest.Supervisor.Json;

/// <summary>Writes a size as its byte count, which programs can compute with.</summary>
public sealed class ByteSizeJsonConverter : JsonConverter<ByteSize>
{
    /// <inheritdoc/>
    public override ByteSize Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetInt64());

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, ByteSize value, JsonSerializerOptions options) => writer.WriteNumberValue(value.Bytes);
}
