namespace RainForest.Core;

/// <summary>
/// What kind of error an <see cref="RfException"/> is, finer than its exit code: the CLI maps every kind but
/// <see cref="Failed"/> to exit code 2, the service maps each to its own HTTP status.
/// </summary>
public enum RfErrorKind
{
    /// <summary>Invalid input or usage (exit code 2, HTTP 400): nothing changed.</summary>
    Invalid,

    /// <summary>The named subOS or channel does not exist (exit code 2, HTTP 404): nothing changed.</summary>
    NotFound,

    /// <summary>Valid input that the current state refuses: busy CPUs, too little free memory, a name in use (exit code 2, HTTP 409).</summary>
    Conflict,

    /// <summary>rfm init has not run for this state directory (exit code 2, HTTP 409).</summary>
    NotInitialised,

    /// <summary>A run-time failure, undone (exit code 1, HTTP 500).</summary>
    Failed,
}
