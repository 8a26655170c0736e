using System.Globalization;
using Microsoft.Data.Sqlite;
using RainForest.Core;

namespace RainForest.Supervisor.Ledger;

/// <summary>Journal retention: old entries removed on request, and the file's free pages given back.</summary>
public sealed partial class ResourceLedger
{
    /// <summary>The ledger file's size with its write-ahead log, in bytes.</summary>
    public long FileBytes => new[] { "", "-wal" }.Sum(suffix => new FileInfo(_connection.DataSource + suffix) is { Exists: true } f ? f.Length : 0);

    /// <summary>
    /// Removes the journal entries that started before <paramref name="before"/> and those older than the newest
    /// <paramref name="keepNewest"/> (each rule alone when the other is null), inside the open write transaction.
    /// </summary>
    /// <returns>How many entries went, how many are left, and when the oldest left started.</returns>
    /// <remarks>
    /// Entry ids are never reused (AUTOINCREMENT), so a follower that resumes after an id (the service's event stream)
    /// still gets exactly the entries after it. Times compare as text: every entry's is written in the same
    /// round-trip UTC form, which sorts as the times do.
    /// </remarks>
    public (int Removed, int Left, DateTimeOffset? OldestLeft) PruneJournal(DateTimeOffset? before, int? keepNewest)
    {
        RequireTransaction();
        using var delete = Command("""
            DELETE FROM journal
            WHERE ($before IS NOT NULL AND time < $before)
               OR ($keep IS NOT NULL AND id NOT IN (SELECT id FROM journal ORDER BY id DESC LIMIT $keep))
            """,
            ("$before", before?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)), ("$keep", keepNewest));
        var removed = delete.ExecuteNonQuery();
        using var left = Command("SELECT count(*), min(time) FROM journal");
        using var reader = left.ExecuteReader();
        reader.Read();
        return (removed, reader.GetInt32(0), reader.IsDBNull(1) ? null : DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Gives the file's free pages back to the file system (a checkpoint of the write-ahead log, then <c>VACUUM</c>,
    /// which rewrites the file); outside a transaction. Free pages would otherwise only be reused by later writes.
    /// </summary>
    /// <exception cref="RfException">SQLite could not (a full file system: VACUUM needs room for a copy).</exception>
    public void Compact()
    {
        if (_transaction is not null)
        {
            throw new InvalidOperationException("VACUUM cannot run inside a transaction.");
        }

        try
        {
            using var vacuum = Command("VACUUM;");
            vacuum.ExecuteNonQuery();
            using var checkpoint = Command("PRAGMA wal_checkpoint(TRUNCATE);");
            checkpoint.ExecuteNonQuery();
        }
        catch (SqliteException e)
        {
            throw RfException.Failed($"cannot compact the ledger: {e.Message}", e);
        }
    }
}
