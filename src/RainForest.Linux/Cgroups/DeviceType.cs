namespace RainForest.Linux.Cgroups;

/// <summary>The kind of device node a <see cref="DeviceRule"/> covers.</summary>
/// <remarks>The values are the kernel's <c>BPF_DEVCG_DEV_BLOCK</c> and <c>BPF_DEVCG_DEV_CHAR</c> (linux/bpf.h), checked in the tests.</remarks>
public enum DeviceType
{
    /// <summary>A block device (<c>b</c> in a cgroup v1 rule).</summary>
    Block = 1,

    /// <summary>A character device (<c>c</c> in a cgroup v1 rule).</summary>
    Char = 2,
}
