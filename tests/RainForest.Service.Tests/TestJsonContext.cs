using System.Text.Json.Serialization;
using RainForest.Service.Events;

namespace RainForest.Service.Tests;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ServiceEvent))]
internal sealed partial class TestJsonContext : JsonSerializerContext;
