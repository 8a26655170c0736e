using RainForest.Controller.Runner;
using RainForest.Core.Elastic;
using RainForest.Supervisor;

namespace RainForest.Bench.Harness.Elastic;

/// <summary>The policies of the controlled systems (<see cref="ElasticSystems.Controlled"/>), as the controller library runs them.</summary>
internal static class ElasticControllers
{
    /// <summary>
    /// The policy of <paramref name="system"/>: the LC subOS takes from the batch subOS, SLO p99 within the settings'
    /// bound, the mode's window, and guard rails that keep one CPU on each side.
    /// </summary>
    /// <remarks>
    /// The probe is recorded because a policy names one, but nothing probes here: the experiment's own load
    /// generator measures the LC service and hands its windows to the loop. The batch may lend every CPU (floor 0):
    /// under slack-idle it keeps running in the LC's idle time (idle sharing); under threshold and slack the
    /// supervisor parks (freezes) it until one comes back, which on a 2-CPU machine is the only move there is.
    /// </remarks>
    public static ElasticPolicySpec Spec(string system, ElasticSettings settings, int partitionable)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var kind = system == ElasticSystems.Threshold ? PolicyKind.Threshold : PolicyKind.Slack;
        return ElasticPolicySpec.Create(
            "lc",
            "batch",
            new LatencySlo(99, TimeSpan.FromMilliseconds(settings.SloMs)),
            ProbeSpec.Parse("memcached://lc:11211"),
            kind,
            window: kind == PolicyKind.Threshold ? settings.ThresholdWindow : settings.Window,
            minCpus: 1,
            maxCpus: Math.Max(1, partitionable - BatchFloor),
            donorFloor: BatchFloor) with { IdleShare = system == ElasticSystems.SlackIdle };
    }

    /// <summary>The fewest CPUs the batch subOS keeps: none (it is parked then).</summary>
    public const int BatchFloor = 0;

    /// <summary>
    /// The loop of <paramref name="spec"/> acting through the controller library's actuator on the supervisor of
    /// <paramref name="state"/> (the facade's lend, reclaim and quota, each journalled with its reason); <paramref name="allocation"/> follows it.
    /// </summary>
    public static PolicyWindowController Create(ElasticPolicySpec spec, StateDirectory state, CellAllocation allocation) =>
        new(spec, new SupervisorActuator(() => RainForestSupervisor.Open(state), spec), allocation);
}
