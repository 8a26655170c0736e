namespace RainForest.Bench.Contracts;

/// <summary>One point of a cumulative distribution: <paramref name="Fraction"/> of samples are at most <paramref name="Value"/>.</summary>
/// <param name="Value">A latency, in the unit of the distribution it belongs to (whoever returns the points says which).</param>
/// <param name="Fraction">The share of samples at or below <paramref name="Value"/>, from 0 to 1.</param>
public readonly record struct CdfPoint(double Value, double Fraction);
