namespace RainForest.Core.Model;

/// <summary>
/// The host uid/gid ranges the supervisor hands to unprivileged subOSes: root inside a subOS is the first
/// id of its range, an ordinary unprivileged host id that owns nothing outside.
/// </summary>
/// <remarks>
/// Ranges are 65,536 ids (every id a Linux distribution uses, nobody included) from 2^30 on, far above the
/// ranges <c>useradd</c> and <c>/etc/subuid</c> hand out (1,000 to 60,000 and 100,000 upwards), and the
/// ledger keeps each base unique, so no two subOSes ever share an id.
/// </remarks>
public static class IdRanges
{
    /// <summary>The first host id of the first range.</summary>
    public const long Start = 1L << 30;

    /// <summary>Ids per subOS.</summary>
    public const long Size = 65536;

    /// <summary>How many ranges fit below the kernel's largest valid id (2^32 - 2).</summary>
    public const long Count = ((1L << 32) - 1 - Start) / Size;

    /// <summary>The lowest base not in <paramref name="used"/>.</summary>
    /// <exception cref="RfException">Every range is taken.</exception>
    public static long NextFree(IEnumerable<long> used)
    {
        var taken = used.ToHashSet();
        for (long slot = 0; slot < Count; slot++)
        {
            var candidate = Start + (slot * Size);
            if (!taken.Contains(candidate))
            {
                return candidate;
            }
        }

        throw RfException.Failed($"all {Count} uid/gid ranges for unprivileged subOSes are in use");
    }

    /// <summary>True when <paramref name="id"/> is a host id inside the range that starts at <paramref name="idBase"/>.</summary>
    public static bool Contains(long idBase, long id) => id >= idBase && id < idBase + Size;
}
