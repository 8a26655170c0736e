using RainForest.Core;

namespace RainForest.Controller.Model;

/// <summary>The model's actuator: the allocation is a number the model reads when it schedules work.</summary>
public sealed class ModelActuator : IElasticActuator
{
    private readonly List<ElasticDecision> _applied = [];

    /// <summary>Starts with <paramref name="initial"/>.</summary>
    public ModelActuator(ElasticAllocation initial)
    {
        Current = initial;
    }

    /// <summary>The allocation now.</summary>
    public ElasticAllocation Current { get; private set; }

    /// <summary>Every step applied, in order.</summary>
    public IReadOnlyList<ElasticDecision> Applied => _applied;

    /// <inheritdoc/>
    public ElasticAllocation Read() => Current;

    /// <inheritdoc/>
    public ElasticAllocation Apply(ElasticDecision decision)
    {
        var after = Current.After(decision);
        if (after.TakerCpus < 1 || after.DonorCpus < 0 || after.TakerMemory < 0 || after.DonorMemory < 0 || after.DonorQuota is <= 0)
        {
            throw RfException.Invalid($"cannot apply {decision.Describe()} to taker {Current.TakerCpus} cpu, donor {Current.DonorCpus} cpu");
        }

        Current = after;
        _applied.Add(decision);
        return after;
    }
}
