using System.Text.Json;
using System.Text.Json.Serialization;

namespace RainForest.Bench.Contracts;

/// <summary>Source-generated JSON for the result documents: no reflection, so it works under NativeAOT.</summary>
/// <remarks>
/// The default options write one line (rf-ipc-bench's result is the last line of its output); documents meant
/// for people, such as <see cref="MicroResult.ToJson"/>, indent on top of these.
/// </remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    AllowTrailingCommas = true,
    ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(MicroResult))]
[JsonSerializable(typeof(IpcResult))]
internal sealed partial class ContractsJsonContext : JsonSerializerContext;
