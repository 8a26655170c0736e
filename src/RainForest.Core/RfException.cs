namespace RainForest.Core;

/// <summary>
/// An error RainForest reports to its user as one line, with an exit code: 2 for usage and
/// invalid input (nothing was changed), 1 for an operation that failed at run time (and was undone).
/// </summary>
public class RfException : Exception
{
    /// <summary>Exit code for invalid input or usage.</summary>
    public const int InvalidInputExitCode = 2;

    /// <summary>Exit code for a run-time failure.</summary>
    public const int FailureExitCode = 1;

    /// <summary>Creates an error with a message and an exit code.</summary>
    public RfException(string message, int exitCode, Exception? inner = null)
        : base(message, inner)
    {
        ExitCode = exitCode;
        Kind = exitCode == InvalidInputExitCode ? RfErrorKind.Invalid : RfErrorKind.Failed;
    }

    /// <summary>Creates an error of a kind; its exit code follows from the kind (1 for <see cref="RfErrorKind.Failed"/>, else 2).</summary>
    public RfException(string message, RfErrorKind kind, Exception? inner = null)
        : base(message, inner)
    {
        ExitCode = kind == RfErrorKind.Failed ? FailureExitCode : InvalidInputExitCode;
        Kind = kind;
    }

    /// <summary>The process exit code the tool returns for this error.</summary>
    public int ExitCode { get; }

    /// <summary>What kind of error it is (the service's HTTP status follows from it).</summary>
    public RfErrorKind Kind { get; }

    /// <summary>An invalid-input error (exit code 2).</summary>
    public static RfException Invalid(string message) => new(message, InvalidInputExitCode);

    /// <summary>A run-time failure (exit code 1).</summary>
    public static RfException Failed(string message, Exception? inner = null) => new(message, FailureExitCode, inner);

    /// <summary>A subOS or channel that does not exist (exit code 2).</summary>
    public static RfException NotFound(string message) => new(message, RfErrorKind.NotFound);

    /// <summary>Valid input the current state refuses: busy CPUs, too little memory, a name in use (exit code 2).</summary>
    public static RfException Conflict(string message) => new(message, RfErrorKind.Conflict);

    /// <summary>rfm init has not run (exit code 2).</summary>
    public static RfException NotInitialised(string message) => new(message, RfErrorKind.NotInitialised);
}
