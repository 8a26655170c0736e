using System.Text.Json.Serialization;

namespace RainForest.Bench.Load;

/// <summary>One <see cref="LoadWindow"/> per line (not indented), as <c>rf-loadgen --windows</c> writes them.</summary>
[JsonSourceGenerationOptions(WriteIndented = false, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LoadWindow))]
public sealed partial class LoadWindowJsonContext : JsonSerializerContext;
