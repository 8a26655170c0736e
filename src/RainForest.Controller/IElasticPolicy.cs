using RainForest.Core.Elastic;

namespace RainForest.Controller;

/// <summary>An algorithm that turns each window's observation into at most one step.</summary>
/// <remarks>Policies keep their own state (smoothing, cooldowns) and read no clock: time comes with each observation.</remarks>
public interface IElasticPolicy
{
    /// <summary>The policy this algorithm runs.</summary>
    ElasticPolicySpec Spec { get; }

    /// <summary>Decides what to do after <paramref name="observation"/>, given what the two subOSes hold; null for nothing.</summary>
    ElasticDecision? Decide(ElasticObservation observation, ElasticAllocation current);
}
