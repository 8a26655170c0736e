using RainForest.Controller.Policies;
using RainForest.Core;
using RainForest.Core.Elastic;

namespace RainForest.Controller;

/// <summary>
/// Runs one policy: each window's observation in, at most one step out, applied through an actuator.
/// </summary>
/// <remarks>
/// It reads no clock and touches no kernel: time arrives with each observation and every change goes through
/// <see cref="IElasticActuator"/>, so the same loop drives a real machine (the supervisor's facade) and the
/// queueing model, where a 10-minute trace runs in a second. The allocation is read again before every
/// decision, so a resize made by hand between two windows is what the policy sees.
/// </remarks>
public sealed class ElasticController
{
    private readonly IElasticActuator _actuator;
    private readonly IElasticObserver? _observer;

    /// <summary>Creates a controller running <paramref name="policy"/> through <paramref name="actuator"/>.</summary>
    public ElasticController(IElasticPolicy policy, IElasticActuator actuator, IElasticObserver? observer = null)
    {
        Policy = policy;
        _actuator = actuator;
        _observer = observer;
    }

    /// <summary>The policy it runs.</summary>
    public IElasticPolicy Policy { get; }

    /// <summary>Totals so far.</summary>
    public PolicyStats Stats { get; } = new();

    /// <summary>Creates the algorithm <paramref name="spec"/> names.</summary>
    public static IElasticPolicy CreatePolicy(ElasticPolicySpec spec, SlackOptions? slack = null) => spec.Kind switch
    {
        PolicyKind.Threshold => new ThresholdPolicy(spec),
        _ => new SlackPolicy(spec, slack),
    };

    /// <summary>Takes one window's observation, decides, and applies the step; returns the step applied, or null.</summary>
    /// <remarks>A step the actuator refuses (an <see cref="RfException"/>: nothing changed) is reported to the observer and counted, not thrown.</remarks>
    public ElasticDecision? Step(ElasticObservation observation)
    {
        var spec = Policy.Spec;
        var current = _actuator.Read();
        Stats.Observe(observation.Window, spec.Slo.IsMet(observation.Window.Tail), current);
        _observer?.OnWindow(spec, observation, current, Stats);

        var decision = Policy.Decide(observation, current);
        if (decision is null)
        {
            return null;
        }

        if (!GuardRails.Allows(spec, current, decision))
        {
            throw new InvalidOperationException($"policy {spec.Kind.ToText()} broke a guard rail: {decision.Describe()} with taker {current.TakerCpus}, donor {current.DonorCpus}");
        }

        try
        {
            var after = _actuator.Apply(decision);
            Stats.Applied(decision, after);
            _observer?.OnDecision(spec, decision, current, after);
            return decision;
        }
        catch (RfException error)
        {
            Stats.Failed();
            _observer?.OnError(spec, decision, error);
            return null;
        }
    }
}
