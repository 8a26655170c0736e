using System.Globalization;
using RainForest.Core;
using RainForest.Interop;
using RainForest.Linux;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Ledger;

namespace RainForest.Supervisor.Kernels;

/// <summary>Checks a kernel subOS's <c>--share</c>s against the ledger and finds each source's root, before its guest starts.</summary>
internal static class GuestShares
{
    /// <summary>
    /// Returns <paramref name="guest"/> with each share's <see cref="GuestShare.SourceRoot"/> filled in: the source must
    /// be another running cell, and DIR a directory inside it reached without a symbolic link.
    /// </summary>
    /// <exception cref="RfException">A share names no running cell, or no directory in it, or two share one mount point (exit code 2).</exception>
    public static GuestSpec? Resolve(GuestSpec? guest, string name, Func<string, SubOsRecord?> find, Func<SubOsRecord, bool> alive)
    {
        if (guest is null || guest.Shares.Count == 0)
        {
            return guest;
        }

        var shares = new List<GuestShare>();
        foreach (var share in guest.Shares)
        {
            var what = $"--share {share.Source}:{share.Directory}";
            if (share.Source == name)
            {
                throw RfException.Invalid($"{what}: a subOS cannot share a directory with itself");
            }

            var source = find(share.Source) ?? throw RfException.Invalid($"{what}: no subOS '{share.Source}'");
            if (source.Backend == SubOsBackendKind.Kernel)
            {
                throw RfException.Invalid($"{what}: '{share.Source}' is a kernel subOS, whose files live in its guest's memory, out of the host's reach; share a directory of a cell");
            }

            if (source.State != SubOsState.Running || !alive(source))
            {
                throw RfException.Invalid($"{what}: subOS '{share.Source}' is not running (rfm start {share.Source})");
            }

            var root = string.Create(CultureInfo.InvariantCulture, $"/proc/{source.AgentPid}/root");
            try
            {
                using var directory = DirectoryBeneath.Open(root, share.Directory);
            }
            catch (LinuxException e)
            {
                throw RfException.Invalid($"{what}: no such directory in '{share.Source}' (symbolic links are not followed): {e.Message}");
            }

            shares.Add(share with { SourceRoot = root });
        }

        if (shares.Select(s => s.MountPoint).Distinct(StringComparer.Ordinal).Count() != shares.Count)
        {
            throw RfException.Invalid("--share: two shares name the same MOUNTPOINT");
        }

        return guest with { Shares = shares };
    }
}
