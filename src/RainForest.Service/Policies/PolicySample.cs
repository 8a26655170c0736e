namespace RainForest.Service.Policies;

/// <summary>One point of a policy's recent history: a window's end and its tail (at the SLO's percentile), for the dashboard's line.</summary>
/// <param name="Time">When the window ended.</param>
/// <param name="TailMs">Its tail in milliseconds.</param>
public sealed record PolicySample(DateTimeOffset Time, double TailMs);
