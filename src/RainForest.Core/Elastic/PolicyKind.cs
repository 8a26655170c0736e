namespace RainForest.Core.Elastic;

/// <summary>The algorithm an elastic policy runs.</summary>
public enum PolicyKind
{
    /// <summary>The paper's (6.3.2): the tail of each window (10 s) against two thresholds (lt, ut), one CPU at a time.</summary>
    Threshold,

    /// <summary>Ours: short windows, a smoothed tail estimate, fast growth, slow shrink with hysteresis, donor CPU quota, memory moves.</summary>
    Slack,
}
