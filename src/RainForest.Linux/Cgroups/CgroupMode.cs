namespace RainForest.Linux.Cgroups;

/// <summary>Which cgroup interface the host offers for the controllers RainForest needs.</summary>
public enum CgroupMode
{
    /// <summary>cpuset and memory on cgroup v1 hierarchies, no cgroup2 mount.</summary>
    V1,

    /// <summary>cpuset and memory on v1 hierarchies with a cgroup2 mount beside them (systemd's hybrid layout).</summary>
    Hybrid,

    /// <summary>One unified cgroup2 hierarchy (every current distribution).</summary>
    V2,
}
