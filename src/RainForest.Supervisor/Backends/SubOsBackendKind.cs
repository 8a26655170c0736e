namespace RainForest.Supervisor.Backends;

/// <summary>What kind of backend realises a subOS; the ledger records it per subOS (the lower-case name).</summary>
public enum SubOsBackendKind
{
    /// <summary>A cell on the host's kernel: exclusive cpuset, memory cgroup, fresh namespaces, rf-agent as pid 1.</summary>
    Cell,

    /// <summary>A Linux kernel of its own under QEMU: one vCPU pinned to each exclusive CPU, guest memory from a memfd, rf-agent inside.</summary>
    Kernel,
}
