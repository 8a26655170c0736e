using RainForest.Controller.Latency;
using RainForest.Core.Elastic;
using RainForest.Supervisor;

namespace RainForest.Controller.Runner;

/// <summary>
/// Runs every policy in the ledger, one loop each: its latency source, its controller, the supervisor as actuator.
/// <c>rfm serve</c> hosts it and publishes what its observer hears (SSE <c>decision</c> events, Prometheus metrics).
/// </summary>
/// <remarks>
/// The ledger's policy version is polled; when it changes the policies are read again, loops of removed or changed
/// policies stop and new ones start, so a <c>rfm policy set</c> from the shell takes effect without a restart. A loop
/// whose probe cannot be set up (its taker is not running) is retried at the next poll. Each loop ticks on a
/// <see cref="PeriodicTimer"/> of its window; the controller itself reads no clock.
/// </remarks>
public sealed class PolicyRunner : IAsyncDisposable
{
    private readonly Func<RainForestSupervisor> _open;
    private readonly IElasticObserver _observer;
    private readonly PolicyRunnerOptions _options;
    private readonly Dictionary<string, PolicyLoop> _loops = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _version = -1;
    private bool _retry;
    private IReadOnlyList<ElasticPolicySpec> _policies = [];

    /// <summary>Runs the policies of the ledger <paramref name="open"/> reaches, reporting to <paramref name="observer"/>.</summary>
    public PolicyRunner(Func<RainForestSupervisor> open, IElasticObserver observer, PolicyRunnerOptions? options = null)
    {
        _open = open;
        _observer = observer;
        _options = options ?? new PolicyRunnerOptions();
    }

    /// <summary>The running policies' totals, by taker.</summary>
    public IReadOnlyDictionary<string, (ElasticPolicySpec Spec, PolicyStats Stats)> Stats
    {
        get
        {
            lock (_gate)
            {
                return _loops.ToDictionary(l => l.Key, l => (l.Value.Spec, l.Value.Controller.Stats), StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The policies as the ledger held them at the last read, running or not (a loop that could not start is retried).</summary>
    public IReadOnlyList<ElasticPolicySpec> Policies
    {
        get
        {
            lock (_gate)
            {
                return _policies;
            }
        }
    }

    /// <summary>Polls the ledger and runs the loops until <paramref name="cancellationToken"/> fires; then stops them all.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.PollInterval);
        try
        {
            do
            {
                Refresh();
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping is the normal end.
        }
        finally
        {
            await StopAllAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Reads the policies if their version changed (or a loop is missing) and starts and stops loops to match.</summary>
    public void Refresh()
    {
        IReadOnlyList<ElasticPolicySpec> policies;
        using (var supervisor = _open())
        {
            var version = supervisor.PolicyVersion();
            lock (_gate)
            {
                if (version == _version && !_retry)
                {
                    return;
                }

                _version = version;
                _retry = false;
            }

            policies = supervisor.Policies();
        }

        lock (_gate)
        {
            _policies = policies;
        }

        List<PolicyLoop> stopping;
        lock (_gate)
        {
            stopping = [.. _loops.Values.Where(l => !policies.Contains(l.Spec))];
            foreach (var loop in stopping)
            {
                _loops.Remove(loop.Spec.Taker);
            }
        }

        foreach (var loop in stopping)
        {
            _ = loop.DisposeAsync().AsTask();
        }

        foreach (var spec in policies)
        {
            lock (_gate)
            {
                if (_loops.ContainsKey(spec.Taker))
                {
                    continue;
                }
            }

            try
            {
                var loop = PolicyLoop.Start(spec, _open, _observer, _options);
                lock (_gate)
                {
                    _loops[spec.Taker] = loop;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Its taker is not running, or its probe's host does not resolve: tried again at the next poll.
                lock (_gate)
                {
                    _retry = true;
                }

                _observer.OnError(spec, null, e);
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await StopAllAsync().ConfigureAwait(false);

    private async Task StopAllAsync()
    {
        List<PolicyLoop> loops;
        lock (_gate)
        {
            loops = [.. _loops.Values];
            _loops.Clear();
            _version = -1;
            _policies = [];
        }

        foreach (var loop in loops)
        {
            await loop.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class PolicyLoop : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ILatencySource _source;
        private readonly IDisposable? _namespace;
        private readonly Func<RainForestSupervisor> _open;
        private readonly IElasticObserver _observer;
        private readonly MemoryPressure _pressure = new();
        private readonly CpuUseMeter _use = new();
        private Task _task = Task.CompletedTask;

        private PolicyLoop(ElasticPolicySpec spec, ILatencySource source, IDisposable? ns, ElasticController controller, Func<RainForestSupervisor> open, IElasticObserver observer)
        {
            Spec = spec;
            _source = source;
            _namespace = ns;
            Controller = controller;
            _open = open;
            _observer = observer;
        }

        public ElasticPolicySpec Spec { get; }

        public ElasticController Controller { get; }

        public static PolicyLoop Start(ElasticPolicySpec spec, Func<RainForestSupervisor> open, IElasticObserver observer, PolicyRunnerOptions options)
        {
            Probes.ProbeConnector connector;
            IDisposable? ns;
            using (var supervisor = open())
            {
                (connector, var netns) = ProbeTargets.Resolve(supervisor, spec);
                ns = netns;
            }

            var source = LatencySources.Create(spec.Probe, connector, spec.ProbeRate, options.ProbeTimeout);
            var controller = new ElasticController(ElasticController.CreatePolicy(spec, options.Slack), new SupervisorActuator(open, spec), observer);
            var loop = new PolicyLoop(spec, source, ns, controller, open, observer);
            source.Start();
            loop._task = Task.Run(() => loop.RunAsync(loop._stop.Token));
            return loop;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _task.ConfigureAwait(false);
            await _source.DisposeAsync().ConfigureAwait(false);
            _namespace?.Dispose();
            _stop.Dispose();
        }

        private async Task RunAsync(CancellationToken stop)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var timer = new PeriodicTimer(Spec.Window);
            var start = TimeSpan.Zero;
            try
            {
                // The first reading of the taker's CPU time, so that the first window has a use too; one that fails
                // only leaves the first window without it.
                try
                {
                    _ = ReadTaker();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _observer.OnError(Spec, null, e);
                }

                while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
                {
                    var now = clock.Elapsed;
                    try
                    {
                        var window = await _source.CollectAsync(start, now - start, Spec.Slo.Percentile, stop).ConfigureAwait(false);
                        var (pressure, used) = ReadTaker();
                        Controller.Step(new ElasticObservation(window, pressure, used));
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        _observer.OnError(Spec, null, e);
                    }

                    start = now;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The policy was removed or the service stops.
            }
        }

        /// <summary>The taker's memory pressure, and the CPUs it used since the last call (null where unreadable).</summary>
        private (double? Pressure, double? CpuUsed) ReadTaker()
        {
            using var supervisor = _open();
            return (_pressure.Read(supervisor.CgroupDirectories(Spec.Taker)), _use.Sample(supervisor.Usage(Spec.Taker)?.Cgroup?.CpuSeconds));
        }
    }
}
