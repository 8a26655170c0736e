namespace RainForest.Bench.Harness;

/// <summary>An observer that ignores everything.</summary>
public sealed class NullObserver : IBenchObserver
{
    /// <summary>The one instance.</summary>
    public static NullObserver Instance { get; } = new();

    /// <inheritdoc />
    public void Progress(string task, double fraction)
    {
    }

    /// <inheritdoc />
    public void Info(string message)
    {
    }
}
