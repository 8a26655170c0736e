using System.Text.Json.Serialization;

namespace RainForest.Service.Api;

/// <summary>The body of <c>PATCH /v1/subos/{name}</c>: what <c>rfm resize</c> takes; a field left out keeps its value.</summary>
/// <remarks>A field it does not know is refused (400), so that a misspelt field is not silently ignored.</remarks>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ResizeSubOsRequest
{
    /// <summary>New CPUs: a count, a list, <c>"+N"</c> or <c>"-N"</c>.</summary>
    public string? Cpus { get; init; }

    /// <summary>New memory size (<c>"1G"</c>).</summary>
    public string? Memory { get; init; }

    /// <summary>New pids limit.</summary>
    public long? Pids { get; init; }

    /// <summary>Shrink memory below what is in use, OOM-killing programs (never the agent).</summary>
    public bool Force { get; init; }
}
