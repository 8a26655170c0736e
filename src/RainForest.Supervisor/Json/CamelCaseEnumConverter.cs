using System.Text.Json;
using System.Text.Json.Serialization;

namespace RainForest.Supervisor.Json;

/// <summary>Writes an enum as its camel-case name (<c>running</c>, <c>loop</c>, <c>hybrid</c>), without reflection.</summary>
/// <typeparam name="TEnum">The enum.</typeparam>
public sealed class CamelCaseEnumConverter<TEnum> : JsonStringEnumConverter<TEnum>
    where TEnum : struct, Enum
{
    /// <summary>Creates the converter with camel-case names.</summary>
    public CamelCaseEnumConverter()
        : base(JsonNamingPolicy.CamelCase)
    {
    }
}
