using RainForest.Core;
using RainForest.Linux.Guard;

namespace RainForest.Supervisor.Lifecycle;

/// <summary>
/// subOSes destroyed while the state directory's file system was full, which the ledger does not record yet: one
/// empty marker file each (<see cref="StateDirectory.UnrecordedDestroyMarker"/>), whose modification time is the
/// time of the destroy.
/// </summary>
/// <remarks>
/// A destroy on a full disk cannot write the ledger, yet it must free what the subOS holds in the kernel. An empty
/// file in an existing directory needs an inode and a directory entry, no data block (tmpfs counts only pages; an
/// ext4 directory block has room for a name), so the marker can still be made. It is made before the kernel's
/// objects go, so an rfm killed in between leaves the intent, which the next reconcile completes: it destroys again
/// (every step finds nothing to do), removes the row, journals the destroy and removes the marker. Until then the
/// queries leave the subOS out.
/// </remarks>
internal sealed class PendingDestroys
{
    private readonly StateDirectory _state;
    private readonly PrefixGuard _guard;

    public PendingDestroys(StateDirectory state, PrefixGuard guard)
    {
        _state = state;
        _guard = guard;
    }

    /// <summary>Records the intent to destroy <paramref name="name"/> without the ledger.</summary>
    /// <exception cref="IOException">Not even an empty file could be made (no inode or directory space left).</exception>
    public void Mark(string name)
    {
        var marker = _guard.CheckInside(_state.UnrecordedDestroyMarker(PrefixGuard.CheckComponent(name)));
        using (new FileStream(marker, FileMode.OpenOrCreate, FileAccess.Write))
        {
        }

        // A second destroy of the same subOS keeps the first one's time.
    }

    /// <summary>True when <paramref name="name"/> was destroyed and the ledger does not record it yet.</summary>
    public bool Contains(string name) => SubOsName.Validate(name) is null && File.Exists(_state.UnrecordedDestroyMarker(name));

    /// <summary>Every unrecorded destroy, oldest first, with its time.</summary>
    public IReadOnlyList<(string Name, DateTimeOffset At)> All()
    {
        if (!Directory.Exists(_state.SubOsRoot))
        {
            return [];
        }

        var result = new List<(string Name, DateTimeOffset At)>();
        foreach (var marker in Directory.EnumerateFiles(_state.SubOsRoot, "*" + StateDirectory.UnrecordedDestroySuffix))
        {
            var name = Path.GetFileName(marker)[..^StateDirectory.UnrecordedDestroySuffix.Length];
            if (SubOsName.Validate(name) is null)
            {
                result.Add((name, new DateTimeOffset(File.GetLastWriteTimeUtc(marker), TimeSpan.Zero)));
            }
        }

        return [.. result.OrderBy(p => p.At).ThenBy(p => p.Name, StringComparer.Ordinal)];
    }

    /// <summary>The error for a command naming a subOS destroyed while the disk was full, which the ledger still holds (exit code 2).</summary>
    public static RfException Gone(string name) =>
        RfException.Invalid($"no subOS named '{name}': it was destroyed while the state directory's file system was full (the ledger records it once space returns)");

    /// <summary>Forgets the marker once the ledger records the destroy.</summary>
    public void Clear(string name) => File.Delete(_guard.CheckInside(_state.UnrecordedDestroyMarker(PrefixGuard.CheckComponent(name))));
}
