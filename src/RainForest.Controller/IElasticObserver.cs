using RainForest.Core.Elastic;

namespace RainForest.Controller;

/// <summary>Hears what a controller sees and does: the service publishes it as SSE <c>decision</c> events and Prometheus metrics.</summary>
public interface IElasticObserver
{
    /// <summary>A window ended; <paramref name="stats"/> already counts it.</summary>
    void OnWindow(ElasticPolicySpec spec, ElasticObservation observation, ElasticAllocation current, PolicyStats stats);

    /// <summary>A step was applied: what the two subOSes held before and after.</summary>
    void OnDecision(ElasticPolicySpec spec, ElasticDecision decision, ElasticAllocation before, ElasticAllocation after);

    /// <summary>A step could not be applied (nothing changed), or the latency source failed (<paramref name="decision"/> null).</summary>
    void OnError(ElasticPolicySpec spec, ElasticDecision? decision, Exception error);
}
