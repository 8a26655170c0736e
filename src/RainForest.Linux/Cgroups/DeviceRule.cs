using System.Globalization;
using System.Text;

namespace RainForest.Linux.Cgroups;

/// <summary>One device a subOS may use: its type, major and minor number (null for any minor) and the access allowed.</summary>
/// <remarks>
/// Device numbers are at most 12 bits (major) and 20 bits (minor) on Linux, so both fit the signed 32-bit
/// immediates an eBPF comparison takes; the constructor refuses anything larger.
/// </remarks>
public sealed record DeviceRule
{
    // MAJORBITS and MINORBITS of include/linux/kdev_t.h.
    private const uint MaxMajor = (1u << 12) - 1;
    private const uint MaxMinor = (1u << 20) - 1;

    /// <summary>Creates a rule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A number is beyond what a Linux dev_t holds, the access is empty or unknown, or the type is unknown.</exception>
    public DeviceRule(DeviceType type, uint major, uint? minor, DeviceAccess access)
    {
        if (type is not (DeviceType.Char or DeviceType.Block))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "A device rule is for character or block devices.");
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(major, MaxMajor);
        if (minor is { } m)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(m, MaxMinor, nameof(minor));
        }

        if (access == DeviceAccess.None || (access & ~DeviceAccess.All) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(access), access, "A device rule allows some of read, write and mknod.");
        }

        Type = type;
        Major = major;
        Minor = minor;
        Access = access;
    }

    /// <summary>Character or block.</summary>
    public DeviceType Type { get; }

    /// <summary>The major number.</summary>
    public uint Major { get; }

    /// <summary>The minor number, or null for every minor of <see cref="Major"/>.</summary>
    public uint? Minor { get; }

    /// <summary>What the rule allows.</summary>
    public DeviceAccess Access { get; }

    /// <summary>The rule in the kernel's cgroup v1 format, as written to <c>devices.allow</c> and read from <c>devices.list</c>: <c>c 1:3 rwm</c>, <c>c 136:* rwm</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(Type == DeviceType.Char ? 'c' : 'b').Append(' ')
            .Append(Major.ToString(CultureInfo.InvariantCulture)).Append(':')
            .Append(Minor is { } minor ? minor.ToString(CultureInfo.InvariantCulture) : "*").Append(' ');

        // The kernel prints the letters in this order; writing them so keeps devices.list equal to what was written.
        if (Access.HasFlag(DeviceAccess.Read))
        {
            text.Append('r');
        }

        if (Access.HasFlag(DeviceAccess.Write))
        {
            text.Append('w');
        }

        if (Access.HasFlag(DeviceAccess.Mknod))
        {
            text.Append('m');
        }

        return text.ToString();
    }
}
