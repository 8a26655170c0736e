using RainForest.Core;
using RainForest.Core.Elastic;
using RainForest.Supervisor;

namespace RainForest.Controller.Runner;

/// <summary>The real actuator: each step goes through the supervisor's facade, as <c>rfm lend</c>, <c>reclaim</c> and <c>resize</c> do.</summary>
/// <remarks>
/// The supervisor is opened for each read and each step and closed after, as every rfm command does, so the
/// controller always acts on the ledger as it is now (a resize made from the shell included) and holds no
/// connection between windows. CPUs move as loans: growth first takes back what the donor had borrowed from the
/// taker, then borrows; a shrink first returns what the taker borrowed, then lends the taker's own CPUs.
/// </remarks>
public sealed class SupervisorActuator : IElasticActuator
{
    private readonly Func<RainForestSupervisor> _open;
    private readonly ElasticPolicySpec _spec;

    /// <summary>Acts for <paramref name="spec"/> through supervisors that <paramref name="open"/> opens.</summary>
    public SupervisorActuator(Func<RainForestSupervisor> open, ElasticPolicySpec spec)
    {
        _open = open;
        _spec = spec;
    }

    /// <inheritdoc/>
    public ElasticAllocation Read()
    {
        using var supervisor = _open();
        return Read(supervisor);
    }

    /// <inheritdoc/>
    public ElasticAllocation Apply(ElasticDecision decision)
    {
        using var supervisor = _open();
        var reason = $"{_spec.Kind.ToText()} policy of {_spec.Taker}: {decision.Reason}";
        if (decision.Cpus > 0)
        {
            Move(supervisor, from: _spec.Donor, to: _spec.Taker, decision.Cpus, reason);
        }
        else if (decision.Cpus < 0)
        {
            Move(supervisor, from: _spec.Taker, to: _spec.Donor, -decision.Cpus, reason);
        }

        if (decision.Quota is { } quota)
        {
            supervisor.SetCpuQuota(_spec.Donor, quota.Cpus, reason);
        }

        if (decision.MemoryBytes != 0)
        {
            MoveMemory(supervisor, decision.MemoryBytes);
        }

        return Read(supervisor);
    }

    private ElasticAllocation Read(RainForestSupervisor supervisor)
    {
        var taker = supervisor.Show(_spec.Taker).Record;
        var donor = supervisor.Show(_spec.Donor).Record;
        return new ElasticAllocation(taker.Cpus.Count, donor.Cpus.Count, supervisor.ElasticStateOf(_spec.Donor).CpuQuota, taker.Memory.Bytes, donor.Memory.Bytes);
    }

    /// <summary>Moves CPUs from <paramref name="from"/> to <paramref name="to"/>: loans to <paramref name="from"/> come back first, the rest is lent.</summary>
    private static void Move(RainForestSupervisor supervisor, string from, string to, int cpus, string reason)
    {
        var owedBack = supervisor.Loans(from).Where(l => l.Donor == to).Sum(l => l.Cpus.Count);
        var back = Math.Min(owedBack, cpus);
        if (back > 0)
        {
            supervisor.Reclaim(from, back, reason);
        }

        if (cpus - back > 0)
        {
            supervisor.Lend(from, to, cpus - back, reason);
        }
    }

    /// <summary>Memory moves as two resizes, the shrinking side first: a shrink the kernel cannot make (it would take OOM kills) is refused and nothing moves.</summary>
    private void MoveMemory(RainForestSupervisor supervisor, long bytes)
    {
        var (giver, receiver) = bytes > 0 ? (_spec.Donor, _spec.Taker) : (_spec.Taker, _spec.Donor);
        var amount = Math.Abs(bytes);
        var giverMemory = supervisor.Show(giver).Record.Memory;
        supervisor.Resize(giver, null, new ByteSize(giverMemory.Bytes - amount));
        try
        {
            supervisor.Resize(receiver, null, new ByteSize(supervisor.Show(receiver).Record.Memory.Bytes + amount));
        }
        catch (RfException)
        {
            supervisor.Resize(giver, null, giverMemory);
            throw;
        }
    }
}
