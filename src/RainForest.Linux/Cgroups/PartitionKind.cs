namespace RainForest.Linux.Cgroups;

/// <summary>What a cgroup v2 cpuset group is to the scheduler, as its <c>cpuset.cpus.partition</c> says.</summary>
public enum PartitionKind
{
    /// <summary>No partition: cgroup v1, a kernel without <c>cpuset.cpus.partition</c>, or a missing group.</summary>
    None,

    /// <summary>A member of its parent's partition: its CPUs are shared with every task the partition holds.</summary>
    Member,

    /// <summary>A partition root: its exclusive CPUs run only its own tasks, load-balanced among them.</summary>
    Root,

    /// <summary>A partition root without load balancing: its exclusive CPUs run only its own tasks, each where it was put.</summary>
    Isolated,
}
