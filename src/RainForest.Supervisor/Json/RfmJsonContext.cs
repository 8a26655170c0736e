using System.Text.Json.Serialization;
using RainForest.Channels;
using RainForest.Core.Topology;
using RainForest.Linux.Cgroups;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Channels;
using RainForest.Supervisor.Ledger;
using RainForest.Supervisor.Network;
using RainForest.Supervisor.Security;

namespace RainForest.Supervisor.Json;

/// <summary>
/// Source-generated JSON for every <c>--json</c> output of rfm and every body the service (<c>rfm serve</c>) answers
/// with: one typed model per output, camel-case names, enums as their camel-case names, CPU and node sets as kernel
/// lists, sizes as byte counts.
/// </summary>
/// <remarks>One context for both, so that <c>rfm ls --json</c> and <c>GET /v1/subos</c> print the same shape.</remarks>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    Converters =
    [
        typeof(CpuSetJsonConverter), typeof(NodeSetJsonConverter), typeof(ByteSizeJsonConverter),
        typeof(CamelCaseEnumConverter<SubOsState>), typeof(CamelCaseEnumConverter<NetMode>), typeof(CamelCaseEnumConverter<SubOsBackendKind>),
        typeof(CamelCaseEnumConverter<FicmChannelMode>), typeof(CamelCaseEnumConverter<JournalOutcome>), typeof(CamelCaseEnumConverter<CgroupMode>),
        typeof(CamelCaseEnumConverter<PartitionKind>),
    ])]
[JsonSerializable(typeof(MachineTopology))]
[JsonSerializable(typeof(InitSummary))]
[JsonSerializable(typeof(SubOsStatus))]
[JsonSerializable(typeof(IReadOnlyList<SubOsStatus>))]
[JsonSerializable(typeof(DestroySummary))]
[JsonSerializable(typeof(AuditReport))]
[JsonSerializable(typeof(IReadOnlyList<JournalEntry>))]
[JsonSerializable(typeof(JournalVacuum))]
[JsonSerializable(typeof(ChannelRecord))]
[JsonSerializable(typeof(IReadOnlyList<ChannelRecord>))]
[JsonSerializable(typeof(PolicyView))]
[JsonSerializable(typeof(IReadOnlyList<PolicyView>))]
[JsonSerializable(typeof(LoanRecord))]
[JsonSerializable(typeof(IReadOnlyList<LoanRecord>))]
public sealed partial class RfmJsonContext : JsonSerializerContext;
