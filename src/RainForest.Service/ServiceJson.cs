using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using RainForest.Supervisor.Ledger;
using RainForest.Supervisor.Json;

namespace RainForest.Service;

/// <summary>
/// The service's JSON: rfm's <c>--json</c> models (<see cref="RfmJsonContext"/>), with its names, converters and enum
/// names, so that <c>GET /v1/subos</c> and <c>rfm ls --json</c> print the same document; plus the service's own bodies.
/// </summary>
internal static class ServiceJson
{
    /// <summary>rfm's options on one line: what an event's data is written with (SSE data is best kept to one line).</summary>
    public static JsonSerializerOptions Compact { get; } = new(RfmJsonContext.Default.Options) { WriteIndented = false };

    /// <summary>A journal entry on one line.</summary>
    public static string Serialize(JournalEntry entry) => JsonSerializer.Serialize(entry, (JsonTypeInfo<JournalEntry>)Compact.GetTypeInfo(typeof(JournalEntry)));

    /// <summary>Gives ASP.NET's JSON options rfm's model: its contexts first, its naming policy and converters.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.TypeInfoResolverChain.Insert(0, RfmJsonContext.Default);
        options.TypeInfoResolverChain.Insert(1, ServiceJsonContext.Default);
        options.PropertyNamingPolicy = RfmJsonContext.Default.Options.PropertyNamingPolicy;
        foreach (var converter in RfmJsonContext.Default.Options.Converters)
        {
            options.Converters.Add(converter);
        }
    }
}
