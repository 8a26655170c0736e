namespace RainForest.Linux.Cgroups;

/// <summary>The devices a subOS may create and open; everything else is denied.</summary>
public static class DevicePolicy
{
    /// <summary>
    /// The minimal /dev: null, zero, full, random, urandom, tty, ptmx and every pts, each with read, write and mknod.
    /// </summary>
    /// <remarks>
    /// mknod is allowed because the agent, already in the subOS's cgroup, creates these nodes while it builds
    /// the subOS's /dev. Root inside the subOS still cannot make them: it lacks CAP_MKNOD in the host's user
    /// namespace, so the rule widens nothing for it.
    /// </remarks>
    public static IReadOnlyList<DeviceRule> Minimal { get; } =
    [
        new(DeviceType.Char, 1, 3, DeviceAccess.All),     // null
        new(DeviceType.Char, 1, 5, DeviceAccess.All),     // zero
        new(DeviceType.Char, 1, 7, DeviceAccess.All),     // full
        new(DeviceType.Char, 1, 8, DeviceAccess.All),     // random
        new(DeviceType.Char, 1, 9, DeviceAccess.All),     // urandom
        new(DeviceType.Char, 5, 0, DeviceAccess.All),     // tty
        new(DeviceType.Char, 5, 2, DeviceAccess.All),     // ptmx
        new(DeviceType.Char, 136, null, DeviceAccess.All), // pts/*
    ];

    /// <summary>
    /// <c>/dev/kvm</c>, read and write: what QEMU in a kernel subOS's cgroups opens to run its guest under KVM. Only
    /// that backend allows it, and only for a guest it runs under KVM.
    /// </summary>
    public static DeviceRule Kvm { get; } = new(DeviceType.Char, 10, 232, DeviceAccess.Read | DeviceAccess.Write);

    /// <summary>
    /// The policies RainForest attaches as cgroup v2 device programs, which <c>rfm audit</c> recognises by the kernel's
    /// program tag: <see cref="Minimal"/>, and <see cref="Minimal"/> with <see cref="Kvm"/> for a KVM guest's QEMU.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<DeviceRule>> Known { get; } = [Minimal, [.. Minimal, Kvm]];
}
