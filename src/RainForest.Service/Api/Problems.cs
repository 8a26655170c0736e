using RainForest.Core;
using RainForest.Supervisor;

namespace RainForest.Service.Api;

/// <summary>
/// Errors as problem+json (RFC 9457), with the meaning of rfm's exit codes: the same exceptions are user errors
/// (<see cref="UserErrors.Classify"/>), and each kind has its status.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term>400</term><description>invalid input: nothing changed (rfm exit code 2)</description></item>
/// <item><term>404</term><description>no such subOS or channel (exit code 2)</description></item>
/// <item><term>409</term><description>a conflict with the current state (busy CPUs, memory not free, a name in use), or rfm init has not run (exit code 2)</description></item>
/// <item><term>500</term><description>a run-time failure, undone (exit code 1), or an internal error</description></item>
/// </list>
/// Every problem carries <c>exitCode</c> (what rfm would have returned) and, but for internal errors, <c>kind</c>.
/// </remarks>
public static class Problems
{
    /// <summary>The base of every problem's <c>type</c> URI; the kind follows (<c>urn:rainforest:problem:not-found</c>).</summary>
    public const string TypeBase = "urn:rainforest:problem:";

    /// <summary>The HTTP status of an error kind.</summary>
    public static int StatusOf(RfErrorKind kind) => kind switch
    {
        RfErrorKind.Invalid => StatusCodes.Status400BadRequest,
        RfErrorKind.NotFound => StatusCodes.Status404NotFound,
        RfErrorKind.Conflict or RfErrorKind.NotInitialised => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The problem for an exception a request raised.</summary>
    public static IResult For(Exception exception)
    {
        if (exception is BadHttpRequestException bad)
        {
            // A body that is no JSON, or of the wrong shape: the request was not understood, so nothing ran.
            return Problem(RfException.Invalid(bad.InnerException?.Message ?? bad.Message));
        }

        if (UserErrors.Classify(exception) is { } error)
        {
            return Problem(error);
        }

        return TypedResults.Problem(
            detail: $"internal error: {exception.Message}",
            statusCode: StatusCodes.Status500InternalServerError,
            title: "internal error",
            type: TypeBase + "internal",
            extensions: new Dictionary<string, object?> { ["exitCode"] = RfException.FailureExitCode });
    }

    /// <summary>The problem for a user error.</summary>
    public static IResult Problem(RfException error) => TypedResults.Problem(
        detail: error.Message,
        statusCode: StatusOf(error.Kind),
        title: Title(error.Kind),
        type: TypeBase + KindName(error.Kind),
        extensions: new Dictionary<string, object?> { ["kind"] = KindName(error.Kind), ["exitCode"] = error.ExitCode });

    private static string KindName(RfErrorKind kind) => kind switch
    {
        RfErrorKind.Invalid => "invalid",
        RfErrorKind.NotFound => "not-found",
        RfErrorKind.Conflict => "conflict",
        RfErrorKind.NotInitialised => "not-initialised",
        _ => "failed",
    };

    private static string Title(RfErrorKind kind) => kind switch
    {
        RfErrorKind.Invalid => "invalid input: nothing changed",
        RfErrorKind.NotFound => "not found",
        RfErrorKind.Conflict => "conflict with the current state: nothing changed",
        RfErrorKind.NotInitialised => "not initialised: run 'rfm init' first",
        _ => "failed at run time: undone",
    };
}
