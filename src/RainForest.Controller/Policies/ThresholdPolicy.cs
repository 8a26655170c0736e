using RainForest.Core.Elastic;

namespace RainForest.Controller.Policies;

/// <summary>
/// The paper's policy (6.3.2): when the tail of the last window (10 s) is above ut, one CPU moves from the donor
/// to the taker; when it is below lt, one CPU moves back. Nothing else: no smoothing, no cooldown, no quota.
/// </summary>
public sealed class ThresholdPolicy : IElasticPolicy
{
    /// <summary>Creates the policy for <paramref name="spec"/> (whose kind is threshold).</summary>
    public ThresholdPolicy(ElasticPolicySpec spec)
    {
        if (spec.Kind != PolicyKind.Threshold)
        {
            throw new ArgumentException("not a threshold policy", nameof(spec));
        }

        Spec = spec;
    }

    /// <inheritdoc/>
    public ElasticPolicySpec Spec { get; }

    /// <inheritdoc/>
    public ElasticDecision? Decide(ElasticObservation observation, ElasticAllocation current)
    {
        var window = observation.Window;

        // An empty window is no evidence: the paper's rule compares a measured tail.
        if (window.IsEmpty)
        {
            return null;
        }

        var label = Spec.Slo.PercentileLabel;
        var tail = window.Tail;
        if (tail > Spec.Upper && GuardRails.Growable(Spec, current) >= 1)
        {
            return new ElasticDecision(observation.End, 1, null, 0, tail,
                $"{label} {ElasticDecision.Format(tail)} > ut {ElasticDecision.Format(Spec.Upper)} over the last {ElasticDecision.Format(window.Length)}");
        }

        if (tail < Spec.Lower && GuardRails.Shrinkable(Spec, current) >= 1)
        {
            return new ElasticDecision(observation.End, -1, null, 0, tail,
                $"{label} {ElasticDecision.Format(tail)} < lt {ElasticDecision.Format(Spec.Lower)} over the last {ElasticDecision.Format(window.Length)}");
        }

        return null;
    }
}
