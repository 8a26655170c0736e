using System.Globalization;
using RainForest.Interop;

namespace RainForest.Linux.Security;

/// <summary>Capability sets of the calling thread, and the set a subOS workload keeps.</summary>
/// <remarks>
/// Linux keeps capabilities per thread, and prctl and capset change the calling thread only. As with
/// <see cref="Seccomp"/>, the thread that restricts its capabilities is meant to execve the workload right
/// after, on the same thread; the .NET runtime's other threads keep theirs.
/// </remarks>
public static class Capabilities
{
    /// <summary>
    /// runc's default set for a container: CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD, NET_RAW, SETGID,
    /// SETUID, SETFCAP, SETPCAP, NET_BIND_SERVICE, SYS_CHROOT, KILL, AUDIT_WRITE.
    /// </summary>
    public static CapabilitySet ContainerDefault { get; } = CapabilitySet.Of(
        Capability.Chown,
        Capability.DacOverride,
        Capability.Fsetid,
        Capability.Fowner,
        Capability.Mknod,
        Capability.NetRaw,
        Capability.Setgid,
        Capability.Setuid,
        Capability.Setfcap,
        Capability.Setpcap,
        Capability.NetBindService,
        Capability.SysChroot,
        Capability.Kill,
        Capability.AuditWrite);

    /// <summary>The highest capability the running kernel knows (/proc/sys/kernel/cap_last_cap).</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="FormatException">It does not hold a number.</exception>
    public static int LastCap(string procRoot = "/proc") =>
        int.Parse(File.ReadAllText(Path.Combine(procRoot, "sys/kernel/cap_last_cap")).Trim(), CultureInfo.InvariantCulture);

    /// <summary>True when <paramref name="capability"/> is in the calling thread's bounding set.</summary>
    /// <exception cref="LinuxException">prctl failed (EINVAL: the kernel does not know the capability).</exception>
    public static bool InBoundingSet(Capability capability)
    {
        var result = Interop.Libc.prctl(Interop.Libc.PR_CAPBSET_READ, (nuint)capability, 0, 0, 0);
        return result >= 0 ? result == 1 : throw Interop.Errors.Last($"prctl(PR_CAPBSET_READ, {CapabilitySet.NameOf(capability)})");
    }

    /// <summary>
    /// Limits the calling thread to <paramref name="keep"/>: drops every other capability up to the
    /// kernel's cap_last_cap from the bounding set, clears the ambient set, and intersects the inheritable
    /// set with <paramref name="keep"/>.
    /// </summary>
    /// <remarks>
    /// Capabilities already out of the bounding set are skipped, so a second call with the same set needs no
    /// privilege; dropping one needs CAP_SETPCAP. The effective and permitted sets are left alone: the
    /// bounding set caps what execve grants, and the workload's permitted set is recomputed there. Calling
    /// thread only (see the class remarks).
    /// </remarks>
    /// <exception cref="LinuxException">prctl or capset failed; EPERM means the thread lacks CAP_SETPCAP.</exception>
    public static unsafe void RestrictBoundingSet(CapabilitySet keep, string procRoot = "/proc")
    {
        var last = LastCap(procRoot);
        for (var bit = 0; bit <= last && bit < 64; bit++)
        {
            var capability = (Capability)bit;
            if (keep.Contains(capability) || !InBoundingSet(capability))
            {
                continue;
            }

            if (Interop.Libc.prctl(Interop.Libc.PR_CAPBSET_DROP, (nuint)bit, 0, 0, 0) != 0)
            {
                throw Interop.Errors.Last($"prctl(PR_CAPBSET_DROP, {CapabilitySet.NameOf(capability)})");
            }
        }

        // Ambient capabilities survive execve of a plain binary; none may outlive the restriction.
        if (Interop.Libc.prctl(Interop.Libc.PR_CAP_AMBIENT, Interop.Libc.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0)
        {
            throw Interop.Errors.Last("prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
        }

        var header = new Interop.Libc.CapUserHeader { Version = Interop.Libc.LINUX_CAPABILITY_VERSION_3, Pid = 0 };
        var data = stackalloc Interop.Libc.CapUserData[Interop.Libc.LINUX_CAPABILITY_U32S_3];
        if (Interop.Libc.capget(&header, data) != 0)
        {
            throw Interop.Errors.Last("capget");
        }

        data[0].Inheritable &= (uint)keep.Mask;
        data[1].Inheritable &= (uint)(keep.Mask >> 32);
        if (Interop.Libc.capset(&header, data) != 0)
        {
            throw Interop.Errors.Last("capset");
        }
    }
}
