using System.Text.Json.Serialization;

namespace RainForest.Service.Api;

/// <summary>The body of <c>POST /v1/lend</c>: what <c>rfm lend DONOR TAKER --cpus N [--for DURATION]</c> takes.</summary>
/// <remarks>A field it does not know is refused (400), so that a misspelt field is not silently ignored.</remarks>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record LendRequest
{
    /// <summary>The subOS that lends (required).</summary>
    public string? Donor { get; init; }

    /// <summary>The subOS that borrows (required).</summary>
    public string? Taker { get; init; }

    /// <summary>How many CPUs (required, 1 or more; a donor lent its last is parked).</summary>
    public int? Cpus { get; init; }

    /// <summary>How long the loan lasts (<c>"30s"</c>, <c>"5m"</c>); null until reclaimed.</summary>
    public string? For { get; init; }
}
