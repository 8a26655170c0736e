using System.Text.Json.Serialization;

namespace RainForest.Service.Api;

/// <summary>The body of <c>POST /v1/reclaim</c>: what <c>rfm reclaim TAKER|--all [--cpus N]</c> takes.</summary>
/// <remarks>A field it does not know is refused (400), so that a misspelt field is not silently ignored.</remarks>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ReclaimRequest
{
    /// <summary>The subOS whose borrowed CPUs go back; or <see cref="All"/>.</summary>
    public string? Taker { get; init; }

    /// <summary>Every loan of every subOS.</summary>
    public bool All { get; init; }

    /// <summary>How many CPUs (default: all it borrowed), newest loan first.</summary>
    public int? Cpus { get; init; }
}
