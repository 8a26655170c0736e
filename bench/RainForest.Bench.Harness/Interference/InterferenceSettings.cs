using RainForest.Bench.Report;
using RainForest.Core;

namespace RainForest.Bench.Harness.Interference;

/// <summary>What the interference experiment runs, by mode.</summary>
/// <param name="Foregrounds">The measured stressors (rows).</param>
/// <param name="Backgrounds">The interfering stressors (columns).</param>
/// <param name="Seconds">How long each foreground run lasts (stress-ng takes whole seconds).</param>
/// <param name="Ramp">How long a background runs before the foreground starts.</param>
internal sealed record InterferenceSettings(IReadOnlyList<Stressor> Foregrounds, IReadOnlyList<Stressor> Backgrounds, int Seconds, TimeSpan Ramp)
{
    /// <summary>Memory of each instance: room for STREAM's arrays and 64 MB of tmpfs files per worker.</summary>
    public static ByteSize InstanceMemory { get; } = ByteSize.FromMiB(2048);

    /// <summary>The settings for <paramref name="options"/>.</summary>
    public static InterferenceSettings For(BenchOptions options)
    {
        IReadOnlyList<Stressor> stressors = options.Workloads is { } names ? Stressor.Parse(names) : options.Mode switch
        {
            // Seconds in CI: the plumbing of both kinds of stressor (stress-ng, iperf3), not the whole matrix.
            BenchMode.Smoke => [Stressor.Cpu, Stressor.Network],

            // Four of five keeps a 3-system quick run near three minutes on two cores; cache is closest to membw.
            BenchMode.Quick => [Stressor.Cpu, Stressor.MemoryBandwidth, Stressor.FileIo, Stressor.Network],
            _ => Stressor.All,
        };
        var seconds = options.Duration is { } d ? (int)Math.Max(1, Math.Round(d.TotalSeconds)) : options.Mode switch
        {
            BenchMode.Smoke => 1,
            BenchMode.Quick => 2,
            _ => 10,
        };
        return new InterferenceSettings(stressors, stressors, seconds, TimeSpan.FromMilliseconds(options.Mode switch
        {
            BenchMode.Smoke => 200,
            BenchMode.Quick => 300,
            _ => 1000,
        }));
    }
}
