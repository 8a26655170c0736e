using RainForest.Core;

namespace RainForest.Supervisor.Ledger;

/// <summary>
/// The file system that holds the ledger is full: the ledger can be read, but no change can be recorded until
/// space is freed there (exit code 1).
/// </summary>
/// <remarks>
/// Its own type, not a message, because three callers act on it: a destroy then frees the kernel's objects and
/// leaves a marker that the next command records (<see cref="Lifecycle.PendingDestroys"/>), the reconcile every
/// command runs first is skipped with a warning, and every other change fails with this one line.
/// </remarks>
public sealed class LedgerFullException : RfException
{
    /// <summary>Creates the error for the file system described by <paramref name="fileSystem"/>.</summary>
    /// <param name="fileSystem">The file system, as <see cref="StateFileSystem.Describe(string)"/> names it.</param>
    /// <param name="message">The line the user reads; null for the general one.</param>
    /// <param name="inner">What SQLite or the kernel said.</param>
    public LedgerFullException(string fileSystem, string? message = null, Exception? inner = null)
        : base(message ?? $"{fileSystem} is full: the ledger cannot record a change until space is freed there", FailureExitCode, inner)
    {
        FileSystem = fileSystem;
    }

    /// <summary>The file system, for example <c>the file system holding /var/lib/rainforest (ext4 at /)</c>.</summary>
    public string FileSystem { get; }

    /// <summary>The same error told as the failure of one operation, which was undone.</summary>
    public LedgerFullException Refusing(string operation, string target) =>
        new(FileSystem, $"{FileSystem} is full: cannot {operation.Replace('-', ' ')} {target}; nothing was changed (free space there, then run it again)", this);
}
