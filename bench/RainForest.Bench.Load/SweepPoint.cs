namespace RainForest.Bench.Load;

/// <summary>One rate of a sweep.</summary>
/// <param name="Rate">The offered rate, requests per second.</param>
/// <param name="MeetsServiceLevel">Whether the run met the sweep's service level (<see cref="LoadSweep.MeetsServiceLevel"/>).</param>
/// <param name="Result">What the run measured.</param>
public sealed record SweepPoint(double Rate, bool MeetsServiceLevel, LoadResult Result);
