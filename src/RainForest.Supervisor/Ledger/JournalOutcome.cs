namespace RainForest.Supervisor.Ledger;

/// <summary>How an adjustment ended, as the journal records it (the lower-case name).</summary>
public enum JournalOutcome
{
    /// <summary>It took effect.</summary>
    Ok,

    /// <summary>Invalid input (exit code 2): nothing changed.</summary>
    Rejected,

    /// <summary>A run-time error (exit code 1): what it had done was undone.</summary>
    Failed,

    /// <summary>Reconcile brought the ledger and the kernel back in line.</summary>
    Repaired,
}
