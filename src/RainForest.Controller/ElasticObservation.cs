using RainForest.Controller.Latency;

namespace RainForest.Controller;

/// <summary>What a policy sees at the end of a window.</summary>
/// <param name="Window">The latency of the window that just ended.</param>
/// <param name="TakerMemoryPressure">
/// The taker's memory pressure in percent (PSI <c>some avg10</c> on cgroup v2, or the share of the window in which
/// its memory limit was hit, from failcnt or <c>memory.events high</c>); null where none is measured.
/// </param>
/// <param name="TakerCpuUsed">
/// The CPUs the taker's processes used on average over the window (CPU seconds over its length, from the subOS's
/// cgroup: <see cref="CpuUseMeter"/>); null where none is measured.
/// </param>
public sealed record ElasticObservation(LatencyWindow Window, double? TakerMemoryPressure = null, double? TakerCpuUsed = null)
{
    /// <summary>When the window ended, on the controller's clock.</summary>
    public TimeSpan End => Window.Start + Window.Length;
}
