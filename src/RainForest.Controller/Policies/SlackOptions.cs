namespace RainForest.Controller.Policies;

/// <summary>The slack policy's tuning. The defaults are the ones measured in the README (the model's default trace).</summary>
public sealed record SlackOptions
{
    /// <summary>Grow when the tail passes this fraction of the SLO bound (the slack target).</summary>
    public double GrowAbove { get; init; } = 0.7;

    /// <summary>Shrink only while the smoothed tail stays below this fraction of the bound.</summary>
    public double ShrinkBelow { get; init; } = 0.3;

    /// <summary>
    /// Where the taker's CPU use is measured: a window is also calm for a shrink when the taker would use at most this
    /// share of the CPUs it keeps (its use over them, the larger of the window's and the smoothed use) and its tails stay
    /// below <see cref="UnderusedShrinkBelow"/>.
    /// </summary>
    public double ShrinkUtilization { get; init; } = 0.5;

    /// <summary>The tail bar, as a fraction of the SLO bound, of a window calm by <see cref="ShrinkUtilization"/>.</summary>
    public double UnderusedShrinkBelow { get; init; } = 0.5;

    /// <summary>Weight of the newest window in the smoothed tail (exponentially weighted moving average).</summary>
    public double Smoothing { get; init; } = 0.3;

    /// <summary>CPUs asked for per unit of relative excess over the target, per CPU the taker holds.</summary>
    public double GrowGain { get; init; } = 1.0;

    /// <summary>The largest step, as a fraction of what the taker holds (at least 2 CPUs).</summary>
    public double MaxGrowFraction { get; init; } = 0.5;

    /// <summary>Consecutive calm windows before CPUs go back (hysteresis).</summary>
    public int ShrinkAfterWindows { get; init; } = 4;

    /// <summary>The share of the taker's CPUs given back in one step (at least one CPU).</summary>
    public double ShrinkFraction { get; init; } = 0.2;

    /// <summary>The most the calm count is multiplied by after shrinks that had to be undone.</summary>
    public int MaxShrinkBackoff { get; init; } = 8;

    /// <summary>No shrink for this long after the last growth.</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>The donor's bandwidth is cut in steps of this many CPUs while the need is below a whole CPU.</summary>
    public double QuotaStep { get; init; } = 0.25;

    /// <summary>The lowest bandwidth limit put on a donor, in CPUs.</summary>
    public double MinQuota { get; init; } = 0.1;

    /// <summary>
    /// Windows at risk with the donor cut to its floor and nothing left to lend after which a cut that did not lower
    /// the smoothed tail (below <see cref="FutileCutImprovement"/> of what it was at the first cut) is judged futile:
    /// the quota is lifted and not cut again for <see cref="FutileCutHold"/>.
    /// </summary>
    public int FutileCutWindows { get; init; } = 5;

    /// <summary>The share of the smoothed tail at the first cut that the tail must fall below for a cut to have helped.</summary>
    public double FutileCutImprovement { get; init; } = 0.8;

    /// <summary>How long no cut follows a futile one; doubled on each futile cut in a row (up to <see cref="MaxShrinkBackoff"/> times).</summary>
    public TimeSpan FutileCutHold { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Memory pressure (percent) above which memory moves to the taker.</summary>
    public double MemoryPressureAbove { get; init; } = 10;

    /// <summary>Memory pressure (percent) below which borrowed memory may go back.</summary>
    public double MemoryPressureBelow { get; init; } = 1;

    /// <summary>Time between two memory moves.</summary>
    public TimeSpan MemoryCooldown { get; init; } = TimeSpan.FromSeconds(10);
}
