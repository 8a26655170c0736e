using System.Text.Json.Serialization;

namespace RainForest.Supervisor.Ledger;

/// <summary>Source-generated JSON for what the ledger stores as documents.</summary>
[JsonSerializable(typeof(ResourceLedger.StoredMachine))]
[JsonSerializable(typeof(Kernels.GuestSpec))]
internal sealed partial class LedgerJsonContext : JsonSerializerContext;
