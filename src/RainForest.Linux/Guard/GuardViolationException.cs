namespace RainForest.Linux.Guard;

/// <summary>
/// A destructive operation (delete, kill, move, write) aimed at a path or name outside the supervisor's
/// own prefix; <see cref="PrefixGuard"/> throws it before anything is touched.
/// </summary>
/// <remarks>
/// Deliberately neither an <see cref="IOException"/> nor an <c>RfException</c>: clean-up paths that
/// swallow those (an idempotent remove, a best-effort rollback) must not swallow a refusal.
/// The supervisor reports it as a run-time failure (exit code 1).
/// </remarks>
public sealed class GuardViolationException : Exception
{
    /// <summary>Creates the exception for the refused path or name.</summary>
    public GuardViolationException(string message, string target)
        : base(message)
    {
        Target = target;
    }

    /// <summary>The path or name that was refused, as given (unescaped).</summary>
    public string Target { get; }
}
