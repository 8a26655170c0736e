namespace RainForest.Bench.Load;

/// <summary>How the intended send times of a run are spaced.</summary>
public enum ArrivalProcess
{
    /// <summary>
    /// A Poisson process: independent exponential gaps with mean 1/rate, the usual model of many
    /// independent clients (and the default).
    /// </summary>
    Poisson,

    /// <summary>
    /// Evenly spaced requests, exactly 1/rate apart; the paper replays its Search trace this way
    /// ("sending requests at a uniform rate", section 6.2.2).
    /// </summary>
    Uniform,
}
