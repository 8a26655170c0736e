using System.Text.Json;
using System.Text.Json.Serialization;
using RainForest.Core;

namespace RainForest.Cli.Json;

/// <summary>Writes a size as its byte count, which programs can compute with.</summary>
internal sealed class ByteSizeJsonConverter : JsonConverter<ByteSize>
{
    public override ByteSize Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetInt64());

    public override void Write(Utf8JsonWriter writer, ByteSize value, JsonSerializerOptions options) => writer.WriteNumberValue(value.Bytes);
}
