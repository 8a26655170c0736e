namespace RainForest.Service.Policies;

/// <summary>
/// <c>GET /v1/policies/{taker}/stats</c>: what the service's controller has seen and done for one policy since its loop
/// started (a changed policy starts again from zero).
/// </summary>
/// <param name="Taker">The policy's taker.</param>
/// <param name="Policy">The algorithm.</param>
/// <param name="Slo">The objective, as typed.</param>
/// <param name="Percentile">The SLO's percentile label (<c>p99</c>).</param>
/// <param name="SloMs">The SLO's bound in milliseconds.</param>
/// <param name="Running">Whether the service runs it now (false while its taker is not running, or its probe cannot be set up: see <paramref name="LastError"/>).</param>
/// <param name="Windows">Windows observed, empty ones included.</param>
/// <param name="WindowsMeasured">Windows with at least one response.</param>
/// <param name="WindowsWithinSlo">Measured windows whose tail met the SLO.</param>
/// <param name="WithinSlo">Their share, 0 to 1 (1 before any).</param>
/// <param name="Moves">Steps applied.</param>
/// <param name="CpusLent">CPUs moved to the taker, over all steps.</param>
/// <param name="CpusReclaimed">CPUs moved back to the donor.</param>
/// <param name="Errors">Steps the supervisor refused (nothing changed).</param>
/// <param name="LastWindow">The latest window; null before the first.</param>
/// <param name="LastDecision">The latest step; null before the first.</param>
/// <param name="LastError">The latest error (a refused step, a failed probe, a loop that could not start); null when none.</param>
/// <param name="Allocation">What taker and donor held at the latest window or step; null before the first.</param>
/// <param name="Recent">The tails of the recent windows, oldest first (the last five minutes, at most <see cref="PolicyObserver.History"/>).</param>
public sealed record PolicyStatsView(
    string Taker,
    string Policy,
    string Slo,
    string Percentile,
    double SloMs,
    bool Running,
    long Windows,
    long WindowsMeasured,
    long WindowsWithinSlo,
    double WithinSlo,
    long Moves,
    long CpusLent,
    long CpusReclaimed,
    long Errors,
    PolicyWindowView? LastWindow,
    PolicyDecisionView? LastDecision,
    string? LastError,
    PolicyAllocationView? Allocation,
    IReadOnlyList<PolicySample> Recent);
