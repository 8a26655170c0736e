using RainForest.Controller;
using RainForest.Core;
using RainForest.Core.Elastic;
using RainForest.Service.Events;
using RainForest.Service.Metrics;

namespace RainForest.Service.Policies;

/// <summary>
/// What the service does with what its controllers see: each step is a <c>decision</c> event on <c>GET /v1/events</c>,
/// each window sets the policy's Prometheus gauges, and the latest of both is kept for <c>GET /v1/policies/{taker}/stats</c>.
/// </summary>
/// <remarks>
/// Callbacks come from each policy's own loop; reads come from requests. Each callback copies what it reports into the
/// policy's entry under one lock, so a request never reads the controller's counters while its loop changes them. A
/// policy that is replaced (same taker, another spec) starts a new entry and its old series end: its counters start
/// from zero again, as its loop's do.
/// </remarks>
public sealed class PolicyObserver : IElasticObserver
{
    /// <summary>The most windows kept per policy (<see cref="HistorySpan"/> of 250 ms windows; the shortest, 100 ms, keep two minutes).</summary>
    public const int History = 1200;

    /// <summary>How far back the kept windows reach.</summary>
    public static readonly TimeSpan HistorySpan = TimeSpan.FromMinutes(5);

    private readonly IDecisionPublisher _publisher;
    private readonly PolicyMetrics _metrics;
    private readonly ILogger<PolicyObserver> _log;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Publishes to <paramref name="publisher"/> and <paramref name="metrics"/>' policy metrics.</summary>
    public PolicyObserver(IDecisionPublisher publisher, ServiceMetrics metrics, ILogger<PolicyObserver> log)
        : this(publisher, metrics.Policies, log, TimeProvider.System)
    {
    }

    internal PolicyObserver(IDecisionPublisher publisher, PolicyMetrics metrics, ILogger<PolicyObserver> log, TimeProvider time)
    {
        _publisher = publisher;
        _metrics = metrics;
        _log = log;
        _time = time;
    }

    /// <inheritdoc/>
    public void OnWindow(ElasticPolicySpec spec, ElasticObservation observation, ElasticAllocation current, PolicyStats stats)
    {
        var window = observation.Window;
        var met = spec.Slo.IsMet(window.Tail);
        var view = PolicyWindowView.Of(window, met, _time.GetUtcNow());
        lock (_lock)
        {
            var entry = EntryFor(spec);
            entry.Counters(stats);
            entry.LastWindow = view;
            entry.Allocation = PolicyAllocationView.Of(current);
            if (!window.IsEmpty)
            {
                entry.Recent.Enqueue(new PolicySample(view.Time, view.TailMs));
                while (entry.Recent.Count > History || (entry.Recent.TryPeek(out var oldest) && view.Time - oldest.Time > HistorySpan))
                {
                    entry.Recent.Dequeue();
                }
            }
        }

        _metrics.SetSlo(spec.Taker, spec.Slo.Quantile, spec.Slo.Bound);
        if (!window.IsEmpty)
        {
            // The window's own percentiles, and the SLO's where it is another (p95, p99.9 are there already).
            _metrics.ObserveLatency(spec.Taker, 0.5, window.P50);
            _metrics.ObserveLatency(spec.Taker, 0.99, window.P99);
            _metrics.ObserveLatency(spec.Taker, 0.999, window.P999);
            if (spec.Slo.Quantile is not (0.5 or 0.99 or 0.999))
            {
                _metrics.ObserveLatency(spec.Taker, spec.Slo.Quantile, window.Tail);
            }
        }
    }

    /// <inheritdoc/>
    public void OnDecision(ElasticPolicySpec spec, ElasticDecision decision, ElasticAllocation before, ElasticAllocation after)
    {
        var view = PolicyDecisionView.Of(spec, decision, before, after, error: null, _time.GetUtcNow());
        lock (_lock)
        {
            var entry = EntryFor(spec);
            entry.LastDecision = view;
            entry.Allocation = view.After;
            entry.Moves++;
            entry.CpusLent += Math.Max(decision.Cpus, 0);
            entry.CpusReclaimed += Math.Max(-decision.Cpus, 0);
        }

        _metrics.CountMove(spec.Taker, decision.Grows);
        _publisher.PublishDecision(view, ServiceJsonContext.Default.PolicyDecisionView);
        _log.LogInformation("policy {Taker}: {Step} ({Reason})", spec.Taker, view.Step, view.Reason);
    }

    /// <inheritdoc/>
    public void OnError(ElasticPolicySpec spec, ElasticDecision? decision, Exception error)
    {
        string? previous;
        ElasticAllocation current = default;
        lock (_lock)
        {
            var entry = EntryFor(spec);
            previous = entry.LastError;
            entry.LastError = error.Message;
            if (decision is not null)
            {
                entry.Errors++;
            }

            if (entry.Allocation is { } a)
            {
                current = new ElasticAllocation(a.TakerCpus, a.DonorCpus, a.DonorQuota, a.TakerMemoryBytes, a.DonorMemoryBytes);
            }
        }

        if (decision is not null)
        {
            // A step the supervisor refused changed nothing; clients see it as a decision that was not applied.
            var view = PolicyDecisionView.Of(spec, decision, current, current, error.Message, _time.GetUtcNow());
            _publisher.PublishDecision(view, ServiceJsonContext.Default.PolicyDecisionView);
        }

        // A loop that cannot start is retried every second: its reason is logged when it changes, not each time.
        if (previous != error.Message || decision is not null)
        {
            _log.LogWarning("policy {Taker}: {Message}", spec.Taker, error.Message);
        }
    }

    /// <summary>What is known of <paramref name="spec"/>: zeros before its loop first reported, or when its entry belongs to an older spec.</summary>
    public PolicyStatsView View(ElasticPolicySpec spec, bool running)
    {
        lock (_lock)
        {
            var e = _entries.TryGetValue(spec.Taker, out var found) && found.Spec == spec ? found : new Entry(spec);
            return new PolicyStatsView(
                spec.Taker, spec.Kind.ToText(), spec.Slo.ToString(), spec.Slo.PercentileLabel, spec.Slo.Bound.TotalMilliseconds, running,
                e.Windows, e.WindowsMeasured, e.WindowsWithinSlo, e.WindowsMeasured == 0 ? 1 : (double)e.WindowsWithinSlo / e.WindowsMeasured,
                e.Moves, e.CpusLent, e.CpusReclaimed, e.Errors, e.LastWindow, e.LastDecision, e.LastError, e.Allocation, [.. e.Recent]);
        }
    }

    /// <summary>A policy was removed: its entry goes and its series end.</summary>
    public void Forget(string taker)
    {
        lock (_lock)
        {
            _entries.Remove(taker);
        }

        _metrics.Forget(taker);
    }

    /// <summary>The takers with an entry (reported at least once).</summary>
    public IReadOnlyList<string> Takers()
    {
        lock (_lock)
        {
            return [.. _entries.Keys];
        }
    }

    private Entry EntryFor(ElasticPolicySpec spec)
    {
        if (_entries.TryGetValue(spec.Taker, out var entry) && entry.Spec == spec)
        {
            return entry;
        }

        if (entry is not null)
        {
            // Replaced: the new loop counts from zero, and a changed SLO must not leave the old quantile's series behind.
            _metrics.Forget(spec.Taker);
        }

        entry = new Entry(spec);
        _entries[spec.Taker] = entry;
        return entry;
    }

    private sealed class Entry(ElasticPolicySpec spec)
    {
        public ElasticPolicySpec Spec { get; } = spec;

        public long Windows { get; private set; }

        public long WindowsMeasured { get; private set; }

        public long WindowsWithinSlo { get; private set; }

        public long Moves { get; set; }

        public long CpusLent { get; set; }

        public long CpusReclaimed { get; set; }

        public long Errors { get; set; }

        public PolicyWindowView? LastWindow { get; set; }

        public PolicyDecisionView? LastDecision { get; set; }

        public string? LastError { get; set; }

        public PolicyAllocationView? Allocation { get; set; }

        public Queue<PolicySample> Recent { get; } = new();

        /// <summary>Copies the window counters of the controller's totals (its loop's thread is the one calling).</summary>
        public void Counters(PolicyStats stats)
        {
            Windows = stats.Windows;
            WindowsMeasured = stats.WindowsMeasured;
            WindowsWithinSlo = stats.WindowsWithinSlo;
        }
    }
}
