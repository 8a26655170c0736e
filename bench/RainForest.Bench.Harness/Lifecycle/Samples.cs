namespace RainForest.Bench.Harness.Lifecycle;

/// <summary>Milliseconds measured for one kind of subOS in the lifecycle benchmark.</summary>
internal sealed class Samples
{
    public List<double> Create { get; } = [];

    public List<double> Exec { get; } = [];

    public List<double> Destroy { get; } = [];
}
