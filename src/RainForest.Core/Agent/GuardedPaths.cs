namespace RainForest.Core.Agent;

/// <summary>
/// The parts of /proc and /sys an unprivileged subOS must not use, relative to its root: the agent masks them
/// and <c>rfm audit</c> checks that they are masked. runc's masked and read-only paths are the reference.
/// </summary>
public static class GuardedPaths
{
    /// <summary>Files a subOS sees as empty (/dev/null is bound over them): kernel memory, keys, timers, the scheduler's internals, symbol addresses, the kernel log.</summary>
    public static IReadOnlyList<string> MaskedFiles { get; } =
    [
        "proc/kcore", "proc/keys", "proc/key-users", "proc/latency_stats", "proc/timer_list", "proc/timer_stats",
        "proc/sched_debug", "proc/kallsyms", "proc/kmsg", "proc/kpagecount", "proc/kpageflags", "proc/kpagecgroup",
        "proc/sysrq-trigger", "proc/config.gz",
    ];

    /// <summary>Directories a subOS sees as empty and read-only: ACPI, sound, SCSI and driver internals, firmware tables, power capping, debugfs, tracefs, LSM files.</summary>
    public static IReadOnlyList<string> MaskedDirectories { get; } =
    [
        "proc/acpi", "proc/asound", "proc/scsi", "proc/driver", "sys/firmware", "sys/devices/virtual/powercap",
        "sys/kernel/debug", "sys/kernel/tracing", "sys/kernel/security",
    ];

    /// <summary>Parts of /proc a subOS may read but never write: kernel tunables, IRQ routing, buses, file systems.</summary>
    public static IReadOnlyList<string> ReadOnly { get; } = ["proc/sys", "proc/irq", "proc/bus", "proc/fs"];

    /// <summary>
    /// Host files a subOS whose lower layer is the host's own / would otherwise read as its root: password
    /// hashes and SSH host keys. They appear empty (and cannot be replaced: the mounts are locked).
    /// </summary>
    public static IReadOnlyList<string> HostSecretFiles { get; } = ["etc/shadow", "etc/shadow-", "etc/gshadow", "etc/gshadow-"];

    /// <summary>Host directories whose files are the host's secrets too (SSH host keys are matched by name in it).</summary>
    public const string SshDirectory = "etc/ssh";

    /// <summary>Host home directories a subOS on the host's / gets fresh and empty, its own.</summary>
    public static IReadOnlyList<string> HostHomes { get; } = ["root", "home"];
}
