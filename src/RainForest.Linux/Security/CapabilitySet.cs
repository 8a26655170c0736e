using System.Globalization;

namespace RainForest.Linux.Security;

/// <summary>A set of capabilities as the kernel keeps it: a 64-bit mask, bit n for capability n.</summary>
/// <param name="Mask">The mask, as in the Cap* lines of /proc/PID/status.</param>
public readonly record struct CapabilitySet(ulong Mask)
{
    private static readonly string[] s_names =
    [
        "CAP_CHOWN",
        "CAP_DAC_OVERRIDE",
        "CAP_DAC_READ_SEARCH",
        "CAP_FOWNER",
        "CAP_FSETID",
        "CAP_KILL",
        "CAP_SETGID",
        "CAP_SETUID",
        "CAP_SETPCAP",
        "CAP_LINUX_IMMUTABLE",
        "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST",
        "CAP_NET_ADMIN",
        "CAP_NET_RAW",
        "CAP_IPC_LOCK",
        "CAP_IPC_OWNER",
        "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO",
        "CAP_SYS_CHROOT",
        "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT",
        "CAP_SYS_ADMIN",
        "CAP_SYS_BOOT",
        "CAP_SYS_NICE",
        "CAP_SYS_RESOURCE",
        "CAP_SYS_TIME",
        "CAP_SYS_TTY_CONFIG",
        "CAP_MKNOD",
        "CAP_LEASE",
        "CAP_AUDIT_WRITE",
        "CAP_AUDIT_CONTROL",
        "CAP_SETFCAP",
        "CAP_MAC_OVERRIDE",
        "CAP_MAC_ADMIN",
        "CAP_SYSLOG",
        "CAP_WAKE_ALARM",
        "CAP_BLOCK_SUSPEND",
        "CAP_AUDIT_READ",
        "CAP_PERFMON",
        "CAP_BPF",
        "CAP_CHECKPOINT_RESTORE",
    ];

    /// <summary>No capability.</summary>
    public static CapabilitySet Empty => default;

    /// <summary>The highest capability this build knows by name.</summary>
    public static Capability LastKnown => Capability.CheckpointRestore;

    /// <summary>A set holding <paramref name="capabilities"/>.</summary>
    public static CapabilitySet Of(params ReadOnlySpan<Capability> capabilities)
    {
        var mask = 0UL;
        foreach (var capability in capabilities)
        {
            mask |= Bit(capability);
        }

        return new CapabilitySet(mask);
    }

    /// <summary>Every capability from 0 to <paramref name="last"/> (the kernel's cap_last_cap).</summary>
    public static CapabilitySet UpTo(int last)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(last);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(last, 63);
        return new CapabilitySet(last == 63 ? ulong.MaxValue : (1UL << (last + 1)) - 1);
    }

    /// <summary>Parses a hex mask as /proc/PID/status prints it (<c>000001ffffffffff</c>, with or without 0x).</summary>
    /// <exception cref="FormatException">The text is not a hex number of at most 64 bits.</exception>
    public static CapabilitySet Parse(string hex) =>
        TryParse(hex, out var set) ? set : throw new FormatException($"'{hex}' is not a capability mask.");

    /// <summary>Parses a hex mask; false when the text is not one.</summary>
    public static bool TryParse(string? hex, out CapabilitySet set)
    {
        var text = hex.AsSpan().Trim();
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            text = text[2..];
        }

        var ok = ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var mask);
        set = new CapabilitySet(mask);
        return ok;
    }

    /// <summary>The kernel's name of <paramref name="capability"/> (<c>CAP_SYS_ADMIN</c>), or <c>CAP_&lt;n&gt;</c> for one this build does not know.</summary>
    public static string NameOf(Capability capability) =>
        (uint)capability < (uint)s_names.Length ? s_names[(int)capability] : $"CAP_{(int)capability}";

    /// <summary>The capability named <paramref name="name"/>, with or without the CAP_ prefix, in any case.</summary>
    public static bool TryParseName(string name, out Capability capability)
    {
        ArgumentNullException.ThrowIfNull(name);
        var full = name.StartsWith("CAP_", StringComparison.OrdinalIgnoreCase) ? name : "CAP_" + name;
        for (var i = 0; i < s_names.Length; i++)
        {
            if (string.Equals(s_names[i], full, StringComparison.OrdinalIgnoreCase))
            {
                capability = (Capability)i;
                return true;
            }
        }

        capability = default;
        return false;
    }

    /// <summary>How many capabilities the set holds.</summary>
    public int Count => System.Numerics.BitOperations.PopCount(Mask);

    /// <summary>True when the set holds <paramref name="capability"/>.</summary>
    public bool Contains(Capability capability) => (Mask & Bit(capability)) != 0;

    /// <summary>The set with <paramref name="capability"/> added.</summary>
    public CapabilitySet Add(Capability capability) => new(Mask | Bit(capability));

    /// <summary>The set without <paramref name="capability"/>.</summary>
    public CapabilitySet Remove(Capability capability) => new(Mask & ~Bit(capability));

    /// <summary>The capabilities in both sets.</summary>
    public CapabilitySet Intersect(CapabilitySet other) => new(Mask & other.Mask);

    /// <summary>The capabilities in either set.</summary>
    public CapabilitySet Union(CapabilitySet other) => new(Mask | other.Mask);

    /// <summary>The capabilities in this set and not in <paramref name="other"/>.</summary>
    public CapabilitySet Except(CapabilitySet other) => new(Mask & ~other.Mask);

    /// <summary>The capabilities in the set, lowest first.</summary>
    public IEnumerable<Capability> Members
    {
        get
        {
            for (var bit = 0; bit < 64; bit++)
            {
                if ((Mask & (1UL << bit)) != 0)
                {
                    yield return (Capability)bit;
                }
            }
        }
    }

    /// <summary>The kernel's names of the capabilities in the set, lowest first.</summary>
    public IEnumerable<string> Names => Members.Select(NameOf);

    /// <summary>The mask as /proc/PID/status prints it: 16 hex digits.</summary>
    public string ToHex() => Mask.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>The names, comma-separated (<c>CAP_CHOWN,CAP_KILL</c>); empty for the empty set.</summary>
    public override string ToString() => string.Join(",", Names);

    private static ulong Bit(Capability capability)
    {
        if ((uint)capability > 63)
        {
            throw new ArgumentOutOfRangeException(nameof(capability), capability, "Capabilities are bits 0 to 63.");
        }

        return 1UL << (int)capability;
    }
}
