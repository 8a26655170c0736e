using System.Text.Json.Serialization;

namespace RainForest.Service.Api;

/// <summary>The body of <c>POST /v1/channels</c>: what <c>rfm channel create</c> takes.</summary>
/// <remarks>A field it does not know is refused (400), so that a misspelt field is not silently ignored.</remarks>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateChannelRequest
{
    /// <summary>Channel name.</summary>
    public string? Name { get; init; }

    /// <summary>Member subOSes; receiver i is the i-th.</summary>
    public IReadOnlyList<string>? Members { get; init; }

    /// <summary><c>unicast</c> (the default), <c>multicast</c> or <c>broadcast</c>.</summary>
    public string? Mode { get; init; }

    /// <summary>64-byte slots per receiver ring (default 1024).</summary>
    public int? Slots { get; init; }

    /// <summary>Largest message: bytes or a size such as <c>"4K"</c> (the default).</summary>
    public string? MaxMessage { get; init; }
}
