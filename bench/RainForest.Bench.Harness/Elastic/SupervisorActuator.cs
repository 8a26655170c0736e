using RainForest.Controller;
using RainForest.Core;

namespace RainForest.Bench.Harness.Elastic;

/// <summary>
/// The controller's actuator on this machine: the supervisor's facade, through <see cref="CellAllocation"/>: CPUs lent
/// from <c>batch</c> to <c>lc</c> and reclaimed (the batch parked while it has none), and the batch's CPU quota.
/// </summary>
/// <remarks>
/// A step that cannot be made throws <see cref="RfException"/> before anything changed, as the controller expects.
/// Memory steps are refused: the experiment gives both subOSes a fixed size and measures no memory pressure, so the
/// slack policy never asks for one here.
/// </remarks>
internal sealed class SupervisorActuator : IElasticActuator
{
    private readonly CellAllocation _allocation;
    private readonly long _memory;

    /// <summary>Acts on <paramref name="allocation"/>; each subOS has <paramref name="memoryBytes"/>.</summary>
    public SupervisorActuator(CellAllocation allocation, long memoryBytes)
    {
        _allocation = allocation;
        _memory = memoryBytes;
    }

    /// <inheritdoc />
    public ElasticAllocation Read() => new(_allocation.LcCpus, _allocation.BatchCpus, _allocation.BatchQuota, _memory, _memory);

    /// <inheritdoc />
    public ElasticAllocation Apply(ElasticDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.MemoryBytes != 0)
        {
            throw RfException.Invalid($"{decision.Describe()}: memory moves are left out of this experiment (both subOSes keep {new ByteSize(_memory)})");
        }

        var room = decision.Cpus > 0 ? _allocation.BatchCpus : _allocation.LcCpus - 1;
        if (Math.Abs(decision.Cpus) > room)
        {
            throw RfException.Invalid($"{decision.Describe()}: LC has {_allocation.LcCpus} CPU(s), batch {_allocation.BatchCpus}");
        }

        _allocation.Move(decision.Cpus, decision.Reason);
        if (decision.Quota is { } quota)
        {
            _allocation.SetBatchQuota(quota.Cpus, decision.Reason);
        }

        return Read();
    }
}
