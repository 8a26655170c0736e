using Prometheus;
using RainForest.Service.Api;
using RainForest.Supervisor.Queries;

namespace RainForest.Service.Metrics;

/// <summary>
/// <c>GET /metrics</c>: the service's Prometheus registry. Per-subOS metrics are sampled when Prometheus scrapes
/// (a callback reads the supervisor's <see cref="Supervisor.RainForestSupervisor.Usage()"/>), not on a timer: a
/// scrape always sees the kernel's counters of that moment, and an idle service reads nothing.
/// </summary>
/// <remarks>
/// prometheus-net writes the text format. The kernel's counters are cumulative, so they are exported as counters
/// set to the kernel's value (<c>IncTo</c>); a subOS that is destroyed loses its series, and one created again
/// under the same name (a new <c>created</c> time) starts its series afresh, as a counter reset.
/// </remarks>
public sealed class ServiceMetrics
{
    private readonly SupervisorAccess _access;
    private readonly ILogger<ServiceMetrics> _log;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DateTimeOffset> _known = new(StringComparer.Ordinal);
    private readonly HashSet<(string SubOs, string Channel)> _knownRings = [];

    private readonly Gauge _cpus;
    private readonly Gauge _up;
    private readonly Counter _cpuSeconds;
    private readonly Counter _throttled;
    private readonly Gauge _memoryLimit;
    private readonly Gauge _memoryUsage;
    private readonly Counter _memoryFailures;
    private readonly Counter _oomKills;
    private readonly Gauge _pids;
    private readonly Gauge _pidsLimit;
    private readonly Counter _loopReceive;
    private readonly Counter _loopTransmit;
    private readonly Counter _ringWritten;
    private readonly Counter _ringRead;
    private readonly Gauge _ringPending;
    private readonly Gauge _ringCapacity;
    private readonly Gauge _ringFullness;
    private readonly Counter _sampleFailures;

    /// <summary>Makes the registry and its metrics; scrapes sample through <paramref name="access"/>.</summary>
    public ServiceMetrics(SupervisorAccess access, ILogger<ServiceMetrics> log)
    {
        _access = access;
        _log = log;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        string[] subOs = ["subos"];
        string[] ring = ["subos", "channel"];
        _cpus = factory.CreateGauge(MetricNames.SubOsCpus, "CPUs the subOS owns (exclusively).", subOs);
        _up = factory.CreateGauge(MetricNames.SubOsUp, "1 while the subOS's agent runs, else 0.", subOs);
        _cpuSeconds = factory.CreateCounter(MetricNames.SubOsCpuUsage, "CPU time the subOS used, user and system (cgroup v2 cpu.stat; on v1 its processes and what they reaped).", subOs);
        _throttled = factory.CreateCounter(MetricNames.SubOsCpuThrottled, "Time the subOS's tasks were held back by a CPU bandwidth limit (cgroup v2 with the cpu controller only).", subOs);
        _memoryLimit = factory.CreateGauge(MetricNames.SubOsMemoryLimit, "The subOS's memory limit (absent when unlimited).", subOs);
        _memoryUsage = factory.CreateGauge(MetricNames.SubOsMemoryUsage, "Memory charged to the subOS now.", subOs);
        _memoryFailures = factory.CreateCounter(MetricNames.SubOsMemoryFailures, "Times the subOS's memory usage hit its limit (memory.events max on v2, memory.failcnt on v1).", subOs);
        _oomKills = factory.CreateCounter(MetricNames.SubOsOomKills, "Processes the OOM killer killed in the subOS.", subOs);
        _pids = factory.CreateGauge(MetricNames.SubOsPids, "Tasks in the subOS now.", subOs);
        _pidsLimit = factory.CreateGauge(MetricNames.SubOsPidsLimit, "The subOS's pids limit.", subOs);
        _loopReceive = factory.CreateCounter(MetricNames.SubOsLoopReceive, "Bytes the subOS received on its RFloop port (its eth0).", subOs);
        _loopTransmit = factory.CreateCounter(MetricNames.SubOsLoopTransmit, "Bytes the subOS sent on its RFloop port (its eth0).", subOs);
        _ringWritten = factory.CreateCounter(MetricNames.ChannelWritten, "64-byte slots written into the subOS's ring of a channel (a message takes one or more).", ring);
        _ringRead = factory.CreateCounter(MetricNames.ChannelRead, "64-byte slots read from the subOS's ring of a channel.", ring);
        _ringPending = factory.CreateGauge(MetricNames.ChannelPending, "Slots written and not yet read in the subOS's ring of a channel.", ring);
        _ringCapacity = factory.CreateGauge(MetricNames.ChannelCapacity, "Slots in the subOS's ring of a channel.", ring);
        _ringFullness = factory.CreateGauge(MetricNames.ChannelFullness, "How full the subOS's ring of a channel is, 0 to 1.", ring);
        _sampleFailures = factory.CreateCounter(MetricNames.SampleFailures, "Scrapes whose sample of the supervisor failed (not initialised, ledger unreadable).");
        Policies = new PolicyMetrics(factory);
        Registry.AddBeforeCollectCallback(Collect);
    }

    /// <summary>The registry <c>/metrics</c> exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>The per-policy metrics, which the controller sets.</summary>
    public PolicyMetrics Policies { get; }

    /// <summary>Maps <c>GET /metrics</c>.</summary>
    public void Map(IEndpointRouteBuilder app) => app.MapMetrics("/metrics", Registry).WithTags("metrics");

    /// <summary>Samples the supervisor and sets every per-subOS metric (the scrape's callback).</summary>
    internal void Collect()
    {
        UsageSample sample;
        try
        {
            sample = _access.Read(s => s.Usage());
        }
        catch (Exception e)
        {
            // The scrape still answers (the failure counter says why numbers are missing); the log says what failed.
            _sampleFailures.Inc();
            _log.LogWarning("metrics sample failed: {Message}", e.Message);
            sample = new UsageSample([], []);
        }

        lock (_lock)
        {
            Apply(sample);
        }
    }

    private void Apply(UsageSample sample)
    {
        // Series of subOSes that are gone, or that were made again since the last scrape, end here.
        var created = sample.SubOses.ToDictionary(u => u.Name, u => u.Created, StringComparer.Ordinal);
        foreach (var (name, when) in _known.ToList())
        {
            if (!created.TryGetValue(name, out var now) || now != when)
            {
                Forget(name);
            }
        }

        foreach (var u in sample.SubOses)
        {
            _known[u.Name] = u.Created;
            _cpus.WithLabels(u.Name).Set(u.Cpus);
            _up.WithLabels(u.Name).Set(u.Alive ? 1 : 0);
            if (u.Cgroup is { } c)
            {
                SetCounter(_cpuSeconds, u.Name, c.CpuSeconds);
                SetCounter(_throttled, u.Name, c.ThrottledSeconds);
                SetGauge(_memoryLimit, u.Name, c.MemoryLimitBytes);
                _memoryUsage.WithLabels(u.Name).Set(c.MemoryUsageBytes);
                SetCounter(_memoryFailures, u.Name, c.MemoryFailures);
                SetCounter(_oomKills, u.Name, c.OomKills);
                _pids.WithLabels(u.Name).Set(c.PidsCurrent);
                SetGauge(_pidsLimit, u.Name, c.PidsLimit);
            }

            SetCounter(_loopReceive, u.Name, u.LoopReceiveBytes);
            SetCounter(_loopTransmit, u.Name, u.LoopTransmitBytes);
        }

        var rings = sample.Rings.Select(r => (r.SubOs, r.Channel)).ToHashSet();
        foreach (var key in _knownRings.Where(k => !rings.Contains(k)).ToList())
        {
            ForgetRing(key);
        }

        foreach (var r in sample.Rings)
        {
            _knownRings.Add((r.SubOs, r.Channel));
            _ringWritten.WithLabels(r.SubOs, r.Channel).IncTo(r.WrittenSlots);
            _ringRead.WithLabels(r.SubOs, r.Channel).IncTo(r.ReadSlots);
            _ringPending.WithLabels(r.SubOs, r.Channel).Set(r.PendingSlots);
            _ringCapacity.WithLabels(r.SubOs, r.Channel).Set(r.Capacity);
            _ringFullness.WithLabels(r.SubOs, r.Channel).Set(r.Capacity == 0 ? 0 : (double)r.PendingSlots / r.Capacity);
        }
    }

    private static void SetCounter(Counter counter, string subOs, double? value)
    {
        if (value is { } v)
        {
            counter.WithLabels(subOs).IncTo(v);
        }
        else
        {
            counter.RemoveLabelled(subOs);
        }
    }

    private static void SetGauge(Gauge gauge, string subOs, double? value)
    {
        if (value is { } v)
        {
            gauge.WithLabels(subOs).Set(v);
        }
        else
        {
            gauge.RemoveLabelled(subOs);
        }
    }

    private void Forget(string subOs)
    {
        _known.Remove(subOs);
        foreach (var collector in new Collector<Gauge.Child>[] { _cpus, _up, _memoryLimit, _memoryUsage, _pids, _pidsLimit })
        {
            collector.RemoveLabelled(subOs);
        }

        foreach (var collector in new Collector<Counter.Child>[] { _cpuSeconds, _throttled, _memoryFailures, _oomKills, _loopReceive, _loopTransmit })
        {
            collector.RemoveLabelled(subOs);
        }

        foreach (var key in _knownRings.Where(k => k.SubOs == subOs).ToList())
        {
            ForgetRing(key);
        }
    }

    private void ForgetRing((string SubOs, string Channel) key)
    {
        _knownRings.Remove(key);
        _ringWritten.RemoveLabelled(key.SubOs, key.Channel);
        _ringRead.RemoveLabelled(key.SubOs, key.Channel);
        _ringPending.RemoveLabelled(key.SubOs, key.Channel);
        _ringCapacity.RemoveLabelled(key.SubOs, key.Channel);
        _ringFullness.RemoveLabelled(key.SubOs, key.Channel);
    }
}
