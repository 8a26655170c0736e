namespace RainForest.Supervisor.Ledger;

/// <summary>What a journal vacuum (<c>rfm log --vacuum-time/--vacuum-entries</c>) removed and what it left.</summary>
/// <param name="Removed">Entries removed.</param>
/// <param name="Left">Entries left, besides the <c>journal-vacuum</c> entry that records this removal.</param>
/// <param name="OldestLeft">When the oldest entry left started; null when none is left but that entry.</param>
/// <param name="Rules">Which entries went, in words (<c>older than 2026-11-02 05:00:00 UTC or before the newest 1000</c>).</param>
/// <param name="LedgerBytesBefore">The ledger file and its write-ahead log before, in bytes.</param>
/// <param name="LedgerBytesAfter">The same after the free pages went back to the file system.</param>
/// <param name="CompactError">Why the free pages could not go back (they are then reused by later writes); null when they went.</param>
public sealed record JournalVacuum(int Removed, int Left, DateTimeOffset? OldestLeft, string Rules, long LedgerBytesBefore, long LedgerBytesAfter, string? CompactError)
{
    /// <summary>A count of entries in words: <c>1 entry</c>, <c>12 entries</c>.</summary>
    public static string Entries(int count) => count == 1 ? "1 entry" : $"{count} entries";
}
