using RainForest.Core;
using RainForest.Core.Model;

namespace RainForest.Supervisor;

/// <summary>What <c>rfm create</c> asks for.</summary>
public sealed record CreateOptions
{
    /// <summary>The subOS's name.</summary>
    public required string Name { get; init; }

    /// <summary>CPUs: a count or a list.</summary>
    public required CpuRequest Cpus { get; init; }

    /// <summary>Memory size.</summary>
    public required ByteSize Memory { get; init; }

    /// <summary>Lower layer of the root file system; null for the host's /.</summary>
    public string? RootFs { get; init; }
}
