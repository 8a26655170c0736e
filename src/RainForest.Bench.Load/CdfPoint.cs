namespace RainForest.Bench.Load;

/// <summary>One step of a latency distribution: the fraction of requests that took at most <see cref="LatencyUs"/>.</summary>
/// <param name="LatencyUs">Latency in microseconds (the top of a histogram bucket).</param>
/// <param name="CumulativeFraction">Fraction of completed requests at or below that latency, in (0, 1].</param>
public readonly record struct CdfPoint(double LatencyUs, double CumulativeFraction);
