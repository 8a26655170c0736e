using System.Text.Json.Serialization;

namespace RainForest.Service.Api;

/// <summary>
/// The body of <c>PUT /v1/policies/{taker}</c>: the options of <c>rfm policy set</c>, in the same notation (durations as
/// <c>"500ms"</c>, sizes as <c>"64M"</c>), parsed by the same parser; the taker is the path's.
/// </summary>
/// <remarks>A field it does not know is refused (400), so that a misspelt field is not silently ignored.</remarks>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SetPolicyRequest
{
    /// <summary>The subOS that lends its CPUs (required).</summary>
    public string? Donor { get; init; }

    /// <summary>The objective, <c>pPERCENTILE&lt;=DURATION</c> (required).</summary>
    public string? Slo { get; init; }

    /// <summary>Where latency comes from: <c>memcached://</c>, <c>http://</c>, <c>tcp://</c> or <c>prometheus://</c> (required).</summary>
    public string? Probe { get; init; }

    /// <summary>The algorithm: <c>threshold</c> or <c>slack</c> (required).</summary>
    public string? Policy { get; init; }

    /// <summary>The observation window (threshold 10s, slack 500ms by default).</summary>
    public string? Window { get; init; }

    /// <summary>threshold: give a CPU back below this window tail.</summary>
    public string? Lt { get; init; }

    /// <summary>threshold: take a CPU above this window tail.</summary>
    public string? Ut { get; init; }

    /// <summary>The fewest CPUs the taker keeps (default 1).</summary>
    public int? MinCpus { get; init; }

    /// <summary>The most CPUs the taker may hold (default no limit).</summary>
    public int? MaxCpus { get; init; }

    /// <summary>The fewest CPUs the donor keeps (default 0: it may be parked).</summary>
    public int? DonorFloor { get; init; }

    /// <summary>Probe requests per second (default 200).</summary>
    public int? Rate { get; init; }

    /// <summary>slack: memory moved per step under memory pressure (default 64M; <c>"0"</c> never).</summary>
    public string? MemoryStep { get; init; }

    /// <summary>The donor also runs in the taker's idle time, at idle priority, while the policy exists (default false).</summary>
    public bool? IdleShare { get; init; }
}
