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
    }

    /// <summary>The process exit code the tool returns for this error.</summary>
    public int ExitCode { get; }

    /// <summary>An invalid-input error (exit code 2).</summary>
    public static RfException Invalid(string message) => new(message, InvalidInputExitCode);

    /// <summary>A run-time failure (exit code 1).</summary>
    public static RfException Failed(string message, Exception? inner = null) => new(message, FailureExitCode, inner);
}
