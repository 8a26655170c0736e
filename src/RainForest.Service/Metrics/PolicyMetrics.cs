using System.Globalization;
using Prometheus;

namespace RainForest.Service.Metrics;

/// <summary>
/// The per-policy metrics the controller sets as it runs: observed latency per quantile, the SLO, and moves made.
/// Labels: <c>policy</c> (the LC subOS the policy serves), <c>quantile</c> (0.5, 0.99...), <c>direction</c> (grow, shrink).
/// </summary>
/// <remarks>
/// The controller owns the numbers (its latency windows, its decisions); these only carry them to Prometheus. A policy
/// that is removed is <see cref="Forget"/>-ed, so its series end.
/// </remarks>
public sealed class PolicyMetrics
{
    private readonly Gauge _latency;
    private readonly Gauge _slo;
    private readonly Counter _moves;

    internal PolicyMetrics(IMetricFactory factory)
    {
        _latency = factory.CreateGauge(MetricNames.PolicyLatency, "Observed latency of the policy's service at a quantile, in seconds (the controller's current window).", ["policy", "quantile"]);
        _slo = factory.CreateGauge(MetricNames.PolicySlo, "The policy's SLO: the latency its quantile must stay under, in seconds.", ["policy", "quantile"]);
        _moves = factory.CreateCounter(MetricNames.PolicyMoves, "Steps the policy applied: CPUs, the donor's CPU quota or memory (grow: towards its service; shrink: back to the donor).", ["policy", "direction"]);
    }

    /// <summary>Records the latency observed at <paramref name="quantile"/> (0.99 for p99) in the policy's window.</summary>
    public void ObserveLatency(string policy, double quantile, TimeSpan latency) =>
        _latency.WithLabels(policy, Quantile(quantile)).Set(latency.TotalSeconds);

    /// <summary>Records the policy's SLO: its quantile must stay under <paramref name="bound"/>.</summary>
    public void SetSlo(string policy, double quantile, TimeSpan bound) => _slo.WithLabels(policy, Quantile(quantile)).Set(bound.TotalSeconds);

    /// <summary>Counts a step: <paramref name="grow"/> when it works for the policy's service (CPUs or memory to it, a tighter donor quota), else back to the donor.</summary>
    public void CountMove(string policy, bool grow) => _moves.WithLabels(policy, grow ? "grow" : "shrink").Inc();

    /// <summary>Ends every series of a removed policy.</summary>
    public void Forget(string policy)
    {
        foreach (var labels in _latency.GetAllLabelValues().Where(l => l[0] == policy).ToList())
        {
            _latency.RemoveLabelled(labels);
        }

        foreach (var labels in _slo.GetAllLabelValues().Where(l => l[0] == policy).ToList())
        {
            _slo.RemoveLabelled(labels);
        }

        foreach (var labels in _moves.GetAllLabelValues().Where(l => l[0] == policy).ToList())
        {
            _moves.RemoveLabelled(labels);
        }
    }

    private static string Quantile(double quantile) => quantile.ToString("0.###", CultureInfo.InvariantCulture);
}
