namespace RainForest.Controller;

/// <summary>Carries out a policy's steps: the supervisor's facade on a real machine, the model in a simulation.</summary>
public interface IElasticActuator
{
    /// <summary>What the taker and the donor hold now (re-read each time: someone may have resized them by hand).</summary>
    ElasticAllocation Read();

    /// <summary>Applies <paramref name="decision"/> and returns what they hold after it.</summary>
    /// <exception cref="Core.RfException">The step could not be made (nothing changed).</exception>
    ElasticAllocation Apply(ElasticDecision decision);
}
