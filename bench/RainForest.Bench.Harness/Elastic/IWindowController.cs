using RainForest.Bench.Load;

namespace RainForest.Bench.Harness.Elastic;

/// <summary>A controller that watches the LC service's windows and moves CPUs between the two subOSes.</summary>
internal interface IWindowController
{
    /// <summary>Takes one window's latencies (as they end) and makes the moves its policy asks for.</summary>
    void Observe(LoadWindow window);
}
