namespace RainForest.Bench.Harness;

/// <summary>The names of the systems <c>rfm bench</c> compares.</summary>
public static class SystemNames
{
    /// <summary>Plain Linux: no partitioning, programs run anywhere.</summary>
    public const string Linux = "linux";

    /// <summary>RainForest cells: subOSes of a temporary supervisor.</summary>
    public const string Cell = "cell";

    /// <summary>LXC application containers pinned to CPUs.</summary>
    public const string Lxc = "lxc";

    /// <summary>RainForest kernel subOSes: a guest kernel of their own under QEMU (lifecycle only; rows say TCG or KVM).</summary>
    public const string Kernel = "kernel";

    /// <summary>Every system, in report order.</summary>
    public static IReadOnlyList<string> All { get; } = [Linux, Cell, Lxc];
}
