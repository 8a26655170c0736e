using System.Numerics;
using System.Runtime.InteropServices;

namespace RainForest.Interop;

/// <summary>Repeats calls a signal interrupted: the one place RainForest retries EINTR.</summary>
/// <remarks>
/// Futex waits do not come here: an interrupted wait is a spurious wake-up that every waiter already
/// handles by looking again. close(2) never does: on Linux the descriptor is gone even when it reports EINTR.
/// </remarks>
internal static class Eintr
{
    /// <summary>Runs <paramref name="call"/> until it succeeds or fails with something other than EINTR; errno is left for <see cref="Errors.Last"/>.</summary>
    internal static TResult Retry<TState, TResult>(ref TState state, EintrCall<TState, TResult> call)
        where TResult : IBinaryInteger<TResult>
    {
        while (true)
        {
            var result = call(ref state);
            if (result >= TResult.Zero || Marshal.GetLastPInvokeError() != Errno.EINTR)
            {
                return result;
            }
        }
    }

    /// <summary>The same for a call that captures its arguments (off the hot paths, where a closure costs nothing that matters).</summary>
    internal static TResult Retry<TResult>(Func<TResult> call)
        where TResult : IBinaryInteger<TResult> =>
        Retry(ref call, static (ref Func<TResult> c) => c());
}
