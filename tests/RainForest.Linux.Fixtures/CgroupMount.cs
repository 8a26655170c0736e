namespace RainForest.Linux.Fixtures;

/// <summary>A cgroup file system a fixture kernel has mounted.</summary>
/// <param name="Path">The full path of the mount point.</param>
/// <param name="IsV2">cgroup2 rather than a v1 hierarchy.</param>
/// <param name="Controllers">v1: the controllers bound to the hierarchy; v2: those the root offers.</param>
internal sealed record CgroupMount(string Path, bool IsV2, IReadOnlyList<string> Controllers)
{
    /// <summary>True when <paramref name="path"/> is the mount point or lies below it.</summary>
    public bool Holds(string path) => path == Path || path.StartsWith(Path + "/", StringComparison.Ordinal);
}
