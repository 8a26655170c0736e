namespace RainForest.Core.Agent;

/// <summary>What the supervisor tells a subOS's agent to build at start: written to a file the agent reads once.</summary>
public sealed record CellSpec
{
    /// <summary>The subOS's name, also its hostname.</summary>
    public required string Name { get; init; }

    /// <summary>The lower layer of the root file system: <c>/</c> for the host's, or the directory given with --rootfs.</summary>
    public required string RootFs { get; init; }

    /// <summary>The subOS's directory in the state directory: control socket, mount points, description.</summary>
    public required string RunDir { get; init; }

    /// <summary>The supervisor's state directory, hidden inside the subOS.</summary>
    public required string StateDir { get; init; }

    /// <summary>Size of the subOS's memory, which also caps its private tmpfs mounts.</summary>
    public required long MemoryBytes { get; init; }

    /// <summary>The host's cgroup mode: v1, hybrid or v2; decides how /sys/fs/cgroup is shown inside.</summary>
    public required string CgroupMode { get; init; }

    /// <summary>
    /// The host directory (on /dev/shm) holding links to the channels this subOS is a member of,
    /// shown read-write at /run/rainforest/channels; null for none.
    /// </summary>
    public string? ChannelDir { get; init; }

    /// <summary>v1 controllers to mount read-only inside (empty on v2).</summary>
    public IReadOnlyList<string> CgroupControllers { get; init; } = [];

    /// <summary>
    /// True for a subOS created with <c>--privileged</c>: root inside is the host's root, with every
    /// capability, no seccomp filter and no masked paths (the behaviour before the Security Guard).
    /// </summary>
    public bool Privileged { get; init; }

    /// <summary>First host uid and gid that the ids inside map to (root inside is this host id); 0 when privileged.</summary>
    public long IdBase { get; init; }

    /// <summary>How many consecutive ids are mapped (0 to IdCount-1 inside).</summary>
    public long IdCount { get; init; }

    /// <summary>
    /// Host pid of a process the supervisor started in a user namespace with the subOS's id mapping: the
    /// agent borrows that namespace to show the root file system with the subOS's owners. 0 when privileged.
    /// </summary>
    public int IdMapHolderPid { get; init; }

    /// <summary>
    /// Where the supervisor's lxcfs is mounted: the agent binds its <see cref="LxcfsView.Files"/> over the subOS's
    /// own, read-only. Null when there is none (lxcfs is not installed or did not start): the subOS sees the host's.
    /// </summary>
    public string? LxcfsDir { get; init; }
}
