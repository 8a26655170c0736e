using RainForest.Core;
using RainForest.Linux.Guard;

namespace RainForest.Supervisor;

/// <summary>
/// Which exceptions are the user's errors and which are bugs: the one mapping rfm (exit codes) and the service
/// (HTTP statuses) share, so that both tell a user error from an internal one the same way.
/// </summary>
public static class UserErrors
{
    /// <summary>
    /// The error to report for <paramref name="exception"/> as one line with its kind; null for an internal error (a bug),
    /// which rfm reports as <c>internal error</c> (exit code 1) and the service as HTTP 500.
    /// </summary>
    /// <remarks>
    /// The supervisor maps guard refusals itself (a run-time failure, exit code 1); this also catches one from a path
    /// it does not wrap.
    /// </remarks>
    public static RfException? Classify(Exception exception) => exception switch
    {
        RfException rf => rf,
        GuardViolationException refusal => RfException.Failed(refusal.Message, refusal),
        _ => null,
    };
}
