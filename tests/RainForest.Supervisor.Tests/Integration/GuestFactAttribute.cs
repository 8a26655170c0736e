using RainForest.Core;
using RainForest.Vm.Kernels;

namespace RainForest.Supervisor.Tests.Integration;

/// <summary>
/// A fact that boots a kernel subOS under QEMU: skipped, saying why, when not root, when QEMU or a static busybox is
/// missing, or when RainForest's kernel cache is empty and <c>rfm kernel fetch</c>'s download fails. Never skipped
/// under <c>scripts/with-qemu-backports</c> (<see cref="QemuFromBackports"/>): a run meant for QEMU 10 fails rather
/// than passing with nothing run.
/// </summary>
public sealed class GuestFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> s_reason = new(FindReason);

    public GuestFactAttribute()
    {
        if (s_reason.Value is { } reason && !QemuFromBackports)
        {
            Skip = reason;
        }
    }

    /// <summary>Whether this run's QEMU is bookworm-backports' (10.x), bound over the host's by <c>scripts/with-qemu-backports</c>.</summary>
    public static bool QemuFromBackports => Environment.GetEnvironmentVariable("RF_QEMU_FROM") == "bookworm-backports";

    private static string? FindReason()
    {
        if (Environment.UserName != "root")
        {
            return "needs root: it makes cgroups and boots a guest (run as root, as CI does)";
        }

        if (!File.Exists("/usr/bin/qemu-system-x86_64"))
        {
            return "qemu-system-x86_64 is not installed (CI installs qemu-system-x86)";
        }

        try
        {
            Vm.Guests.StaticBusyBox.Locate();
            var cache = new KernelCache();
            if (cache.List().Count == 0)
            {
                cache.Fetch();
            }
        }
        catch (RfException e)
        {
            return $"no guest kernel: {e.Message}";
        }

        return null;
    }
}
