using RainForest.Controller;
using RainForest.Core;

namespace RainForest.Bench.Harness.Elastic;

/// <summary>
/// The controller's actuator on this machine: the supervisor's facade, through <see cref="CellAllocation"/>, moving
/// CPUs between the subOSes <c>lc</c> and <c>batch</c>.
/// </summary>
/// <remarks>
/// A step the facade cannot make throws <see cref="RfException"/> before anything changed, as the controller
/// expects: a CPU move that would take the batch below its floor, or a donor quota (the facade has no CPU
/// bandwidth limit yet, so the slack policy's sub-CPU steps are refused and counted as failed steps).
/// </remarks>
internal sealed class SupervisorActuator : IElasticActuator
{
    private readonly CellAllocation _allocation;
    private readonly int _batchFloor;
    private readonly long _memory;

    /// <summary>Acts on <paramref name="allocation"/>; the batch keeps at least <paramref name="batchFloor"/> CPUs.</summary>
    public SupervisorActuator(CellAllocation allocation, int batchFloor, long memoryBytes)
    {
        _allocation = allocation;
        _batchFloor = batchFloor;
        _memory = memoryBytes;
    }

    /// <inheritdoc />
    public ElasticAllocation Read() => new(_allocation.LcCpus, _allocation.BatchCpus, null, _memory, _memory);

    /// <inheritdoc />
    public ElasticAllocation Apply(ElasticDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.Quota is not null)
        {
            throw RfException.Invalid($"{decision.Describe()}: the supervisor sets no CPU bandwidth limit on a subOS in this build");
        }

        if (decision.MemoryBytes != 0)
        {
            throw RfException.Invalid($"{decision.Describe()}: memory moves are left out of this experiment (both subOSes keep {new ByteSize(_memory)})");
        }

        var room = decision.Cpus > 0 ? _allocation.BatchCpus - _batchFloor : _allocation.LcCpus - 1;
        if (Math.Abs(decision.Cpus) > room)
        {
            throw RfException.Invalid($"{decision.Describe()}: the batch keeps at least {_batchFloor} CPU(s) and the LC 1 (now LC {_allocation.LcCpus}, batch {_allocation.BatchCpus})");
        }

        _allocation.Move(decision.Cpus, _batchFloor, 1);
        return Read();
    }
}
