using System.Text.Json.Serialization;

namespace RainForest.Supervisor.Cells;

/// <summary>Source-generated JSON for the description a cell sees (<c>/run/rainforest/subos.json</c>).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SubOsDescription))]
internal sealed partial class CellJsonContext : JsonSerializerContext;
