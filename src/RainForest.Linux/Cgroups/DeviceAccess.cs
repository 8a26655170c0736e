namespace RainForest.Linux.Cgroups;

/// <summary>What a <see cref="DeviceRule"/> lets a process do with a device node.</summary>
/// <remarks>The values are the kernel's <c>BPF_DEVCG_ACC_*</c> bits (linux/bpf.h), checked in the tests, so a v2 program compares them as they are.</remarks>
[Flags]
public enum DeviceAccess
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Create the node with mknod(2) (<c>m</c>).</summary>
    Mknod = 1,

    /// <summary>Open it for reading (<c>r</c>).</summary>
    Read = 2,

    /// <summary>Open it for writing (<c>w</c>).</summary>
    Write = 4,

    /// <summary>Read, write and mknod (<c>rwm</c>).</summary>
    All = Mknod | Read | Write,
}
