using System.Diagnostics;
using Microsoft.Data.Sqlite;
using RainForest.Core;
using RainForest.Linux.Guard;

namespace RainForest.Supervisor.Ledger;

/// <summary>
/// Runs the supervisor's adjustments inside the ledger's write transaction and journals each one: ok with the
/// change, or the failure after rolling back. Every room that changes something goes through here, so every
/// adjustment and every failed attempt has its line in <c>rfm log</c>.
/// </summary>
internal sealed class Journal
{
    private readonly ResourceLedger _ledger;

    public Journal(ResourceLedger ledger) => _ledger = ledger;

    /// <summary>
    /// Runs <paramref name="action"/> in one write transaction and journals it: <see cref="JournalOutcome.Ok"/>
    /// with its before and after, committed together; or, after a rollback, <see cref="JournalOutcome.Rejected"/>
    /// for invalid input and <see cref="JournalOutcome.Failed"/> for a run-time error.
    /// </summary>
    /// <param name="operation">What the journal calls it (create, resize, channel-create...).</param>
    /// <param name="target">The subOS, channel or <c>machine</c> it concerns.</param>
    /// <param name="action">The work; returns its result and the before and after texts.</param>
    /// <param name="onFailure">Clean-up of kernel objects once the transaction rolled back.</param>
    /// <param name="message">What the journal's line says besides before and after (null for nothing).</param>
    /// <exception cref="RfException">The work failed; a guard refusal and an I/O error become exit code 1.</exception>
    public T Run<T>(string operation, string target, Func<(T Result, string? Before, string? After)> action, Action? onFailure = null, string? message = null)
    {
        var clock = Stopwatch.StartNew();
        var trace = new PhaseTrace(operation + " " + target);
        try
        {
            using (var tx = _ledger.BeginWrite())
            {
                trace.Mark("ledger lock");
                var (result, before, after) = action();
                trace.Mark("work");
                _ledger.Append(operation, target, before, after, clock.Elapsed, JournalOutcome.Ok, message);
                _ledger.Commit();
                trace.Mark("commit");
                return result;
            }
        }
        catch (Exception e) when (e is RfException or IOException or UnauthorizedAccessException or GuardViolationException)
        {
            var rf = e switch
            {
                // One line naming the full file system, for the ledger's own writes and for a file of the state directory.
                LedgerFullException full => full.Refusing(operation, target),
                RfException known => known,
                GuardViolationException refusal => Refused(refusal),
                _ when StateFileSystem.IsNoSpace(e) && _ledger.SpaceError() is { } full => full.Refusing(operation, target),
                _ => RfException.Failed(e.Message, e),
            };
            try
            {
                onFailure?.Invoke();
            }
            catch (GuardViolationException cleanupRefused)
            {
                // The clean-up itself was refused: that is what the user must hear about.
                rf = Refused(cleanupRefused);
            }

            TryAppend(operation, target, clock.Elapsed, rf.ExitCode == RfException.InvalidInputExitCode ? JournalOutcome.Rejected : JournalOutcome.Failed,
                message is null ? rf.Message : $"{rf.Message} ({message})");
            if (rf != e)
            {
                throw rf;
            }

            throw;
        }
    }

    /// <summary>Journals what reconcile repaired, inside the transaction that holds the repairs.</summary>
    public void Repaired(IEnumerable<(string Target, string Message)> repairs)
    {
        foreach (var (target, message) in repairs)
        {
            _ledger.Append("repair", target, null, null, TimeSpan.Zero, JournalOutcome.Repaired, message);
        }
    }

    /// <summary>A guard refusal is a run-time failure (exit code 1): the input looked valid, yet a path led outside the prefix.</summary>
    public static RfException Refused(GuardViolationException e) => RfException.Failed(e.Message, e);

    private void TryAppend(string operation, string target, TimeSpan duration, JournalOutcome outcome, string message)
    {
        try
        {
            _ledger.Append(operation, target, null, null, duration, outcome, message);
        }
        catch (Exception e) when (e is RfException or SqliteException)
        {
            // A full disk may refuse even the journal line; the operation's own error is what matters.
        }
    }
}
