using System.Text.Json.Serialization;

namespace RainForest.Service.Api;

/// <summary>The body of <c>POST /v1/subos</c>: what <c>rfm create</c> takes, in the same notation.</summary>
/// <remarks>A field it does not know is refused (400), so that a misspelt field is not silently ignored.</remarks>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateSubOsRequest
{
    /// <summary>The subOS's name (also its hostname).</summary>
    public string? Name { get; init; }

    /// <summary>A count (<c>"2"</c>) or a list (<c>"0-3,8"</c>; one CPU as <c>"3-3"</c>).</summary>
    public string? Cpus { get; init; }

    /// <summary>Memory size: <c>"512M"</c>, <c>"2G"</c>.</summary>
    public string? Memory { get; init; }

    /// <summary>Lower layer of its root file system; null for the host's <c>/</c> (copy-on-write).</summary>
    public string? RootFs { get; init; }

    /// <summary><c>none</c> (loopback only, the default) or <c>loop</c> (the RFloop segment).</summary>
    public string? Net { get; init; }

    /// <summary>Host network interfaces to move in.</summary>
    public IReadOnlyList<string>? Nics { get; init; }

    /// <summary>The pids limit; null for the default (one task per 256K of memory).</summary>
    public long? Pids { get; init; }

    /// <summary>Opt out of the Security Guard (journalled).</summary>
    public bool Privileged { get; init; }
}
