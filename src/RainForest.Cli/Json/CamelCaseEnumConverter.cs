using System.Text.Json;
using System.Text.Json.Serialization;

namespace RainForest.Cli.Json;

/// <summary>Writes an enum as its camel-case name (<c>running</c>, <c>loop</c>, <c>hybrid</c>), without reflection.</summary>
/// <typeparam name="TEnum">The enum.</typeparam>
internal sealed class CamelCaseEnumConverter<TEnum> : JsonStringEnumConverter<TEnum>
    where TEnum : struct, Enum
{
    public CamelCaseEnumConverter()
        : base(JsonNamingPolicy.CamelCase)
    {
    }
}
