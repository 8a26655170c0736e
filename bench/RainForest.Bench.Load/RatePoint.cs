namespace RainForest.Bench.Load;

/// <summary>One corner of a <see cref="RateProfile"/>: the offered rate at a point in time.</summary>
/// <param name="Seconds">Seconds from the start of the profile (after the warm-up).</param>
/// <param name="Rate">Requests per second offered at that moment.</param>
public readonly record struct RatePoint(double Seconds, double Rate);
