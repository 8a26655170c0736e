namespace RainForest.Supervisor.Ledger;

/// <summary>One recorded adjustment (or attempt) in the supervisor's journal.</summary>
/// <param name="Id">Sequence number.</param>
/// <param name="Time">When it started.</param>
/// <param name="Operation">init, create, resize, destroy, start, deinit, repair.</param>
/// <param name="Target">The subOS (or machine) it concerned.</param>
/// <param name="Before">Resources before, as text.</param>
/// <param name="After">Resources after, as text.</param>
/// <param name="DurationMs">How long it took.</param>
/// <param name="Outcome">ok, rejected (invalid input), failed (run-time error, undone) or repaired.</param>
/// <param name="Message">Error or repair detail.</param>
public sealed record JournalEntry(long Id, DateTimeOffset Time, string Operation, string Target, string? Before, string? After, double DurationMs, JournalOutcome Outcome, string? Message);
