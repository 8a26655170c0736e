namespace RainForest.Supervisor.Tests.Security;

/// <summary>What an attempt from inside a subOS goes after.</summary>
public enum AttemptGroup
{
    /// <summary>Capabilities, user and other namespaces, privilege gain.</summary>
    Capabilities,

    /// <summary>Mounts, remounts, unmounts that would uncover what lies beneath, root changes.</summary>
    Mounts,

    /// <summary>The cgroup file system: the subOS's own limits and the host's hierarchies.</summary>
    Cgroups,

    /// <summary>Host-wide knobs and kernel secrets under /proc and /sys.</summary>
    ProcSys,

    /// <summary>Device nodes: creating them and opening the host's.</summary>
    Devices,

    /// <summary>System calls into host-wide kernel interfaces.</summary>
    Kernel,

    /// <summary>The supervisor's state, the agent (pid 1) and the host's files.</summary>
    HostFiles,

    /// <summary>Another subOS: its processes, files, channels and network address.</summary>
    Neighbours,
}
