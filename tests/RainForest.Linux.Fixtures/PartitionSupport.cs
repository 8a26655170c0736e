namespace RainForest.Linux.Fixtures;

/// <summary>Which cgroup v2 cpuset partitions a fixture kernel offers, by the Linux release that brought them.</summary>
public enum PartitionSupport
{
    /// <summary>No <c>cpuset.cpus.partition</c> file.</summary>
    None,

    /// <summary>Linux 5.0 to 6.0: <c>member</c> and <c>root</c>; a request that cannot be valid is refused (EINVAL), and one that becomes invalid reads <c>root invalid</c> with no reason.</summary>
    RootOnly,

    /// <summary>Linux 6.1 to 6.6: <c>isolated</c> too, and invalid partitions say why.</summary>
    Isolated,

    /// <summary>Linux 6.7 and later: <c>cpuset.cpus.exclusive</c> as well.</summary>
    Exclusive,
}
