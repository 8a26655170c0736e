using System.Text.Json.Serialization;

namespace RainForest.Core.Agent;

/// <summary>Source-generated JSON for the agent protocol, so the NativeAOT agent needs no reflection.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CellSpec))]
[JsonSerializable(typeof(AgentRequest))]
[JsonSerializable(typeof(AgentReply))]
public sealed partial class AgentJsonContext : JsonSerializerContext;
