using System.Text.Json.Serialization;
using RainForest.Service.Api;
using RainForest.Service.Policies;
using RainForest.Supervisor.Json;

namespace RainForest.Service;

/// <summary>Source-generated JSON for the service's own bodies, with rfm's conventions.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    Converters = [typeof(CpuSetJsonConverter), typeof(NodeSetJsonConverter), typeof(ByteSizeJsonConverter)])]
[JsonSerializable(typeof(CreateSubOsRequest))]
[JsonSerializable(typeof(ResizeSubOsRequest))]
[JsonSerializable(typeof(CreateChannelRequest))]
[JsonSerializable(typeof(ReconcileResult))]
[JsonSerializable(typeof(MachineView))]
[JsonSerializable(typeof(SetPolicyRequest))]
[JsonSerializable(typeof(LendRequest))]
[JsonSerializable(typeof(ReclaimRequest))]
[JsonSerializable(typeof(PolicyDecisionView))]
[JsonSerializable(typeof(PolicyStatsView))]
internal sealed partial class ServiceJsonContext : JsonSerializerContext;
