namespace RainForest.Supervisor;

/// <summary>What a destroy did with the ledger.</summary>
public enum DestroyOutcome
{
    /// <summary>The subOS is gone from the kernel and from the ledger, and the journal has its line.</summary>
    Recorded,

    /// <summary>
    /// The subOS is gone from the kernel, but the state directory's file system was full: the ledger records it (and
    /// the journal tells it) at the first command after space returns. Until then no query shows the subOS.
    /// </summary>
    Unrecorded,
}
