namespace RainForest.Bench.Loadgen;

/// <summary>rf-loadgen's exit codes.</summary>
/// <remarks>
/// A run that completed exits 0 even if the server answered with errors or timed out: those are
/// measurements, in the output. The codes say whether a measurement exists at all.
/// </remarks>
internal static class ExitCodes
{
    /// <summary>The run (or sweep) finished and its result was written.</summary>
    public const int Success = 0;

    /// <summary>The run could not be made: server unreachable, preload failed, output not writable.</summary>
    public const int RunFailed = 1;

    /// <summary>Invalid arguments; nothing was sent.</summary>
    public const int InvalidInput = 2;

    /// <summary>A bug in rf-loadgen (sysexits EX_SOFTWARE).</summary>
    public const int InternalError = 70;

    /// <summary>Interrupted by SIGINT or SIGTERM before the run finished (128 + SIGINT).</summary>
    public const int Interrupted = 130;
}
