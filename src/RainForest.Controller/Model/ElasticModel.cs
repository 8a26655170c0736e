using HdrHistogram;
using RainForest.Controller.Latency;
using RainForest.Core.Elastic;

namespace RainForest.Controller.Model;

/// <summary>
/// A deterministic discrete-event model of a latency-critical service beside a batch side, to run a policy
/// against a trace on a machine of any size in seconds.
/// </summary>
/// <remarks>
/// <para>The service is a first-come-first-served queue with one server per CPU it owns (M/G/c): arrivals are a
/// Poisson process whose rate follows the trace (drawn by thinning), service times are log-normal around
/// <see cref="ModelOptions.ServiceTime"/>, stretched by interference from the batch CPUs in use. A CPU taken away
/// lets the request on it finish (a thread migrates) but serves no further ones; a CPU added starts the queue's
/// head at once. The batch side is CPU-bound: its work is the CPU time it holds (its CPUs, or its quota when
/// lower), so jobs finished are proportional to CPU-seconds. Under a policy that shares the service's idle time
/// (<see cref="ElasticPolicySpec.IdleShare"/>) the batch side also works on the service's idle CPUs, at
/// <see cref="ModelOptions.IdleEfficiency"/>, and every request pays <see cref="ModelOptions.IdlePreemption"/> to
/// take its CPU back.</para>
/// <para>The controller sees exactly what the real one sees: each window's completed response times (in an
/// HdrHistogram, as the prober records them) and the current allocation; its steps take effect at once (a real
/// resize takes about half a millisecond). All randomness comes from one seeded generator, so a run is a
/// function of its inputs.</para>
/// </remarks>
public static class ElasticModel
{
    /// <summary>The memory each side is modelled with (memory pressure is not modelled; memory steps only move this figure).</summary>
    public const long ModelMemory = 4L << 30;

    /// <summary>Runs <paramref name="system"/> on <paramref name="trace"/>.</summary>
    /// <param name="trace">The offered load.</param>
    /// <param name="options">The machine and service.</param>
    /// <param name="system">A static partition, or a policy.</param>
    /// <param name="policy">The policy, for <see cref="ModelSystem.Threshold"/> and <see cref="ModelSystem.Slack"/>; its spec's guard rails and window apply.</param>
    public static ModelResult Run(RateTrace trace, ModelOptions options, ModelSystem system, IElasticPolicy? policy = null)
    {
        if (options.TakerCpus < 1 || options.InitialDonorCpus < 0 || options.TakerCpus + options.InitialDonorCpus > options.Cpus)
        {
            throw new ArgumentException($"the split {options.TakerCpus}+{options.InitialDonorCpus} does not fit {options.Cpus} CPUs", nameof(options));
        }

        if ((system is ModelSystem.Threshold or ModelSystem.Slack) != (policy is not null))
        {
            throw new ArgumentException($"{system} {(policy is null ? "needs" : "takes no")} policy", nameof(policy));
        }

        return new Simulation(trace, options, system, policy).Run();
    }

    /// <summary>The policy spec the model runs for <paramref name="kind"/> with the SLO of <paramref name="options"/> and default rails.</summary>
    public static ElasticPolicySpec DefaultSpec(PolicyKind kind, ModelOptions options) =>
        ElasticPolicySpec.Create("lc", "batch", options.Slo, ProbeSpec.Parse("tcp://lc.rf:1"), kind);

    private sealed class Simulation
    {
        private readonly RateTrace _trace;
        private readonly ModelOptions _options;
        private readonly ModelSystem _system;
        private readonly ElasticController? _controller;
        private readonly ModelActuator _actuator;
        private readonly Random _random;
        private readonly PriorityQueue<double, double> _inService = new();
        private readonly Queue<double> _waiting = new();

        // The queue of requests in service holds completion times; their arrivals ride alongside, keyed by
        // completion time (made distinct when two coincide).
        private readonly Dictionary<double, double> _arrivalOf = [];
        private readonly LongHistogram _control = LatencyWindow.CreateHistogram();
        private readonly LongHistogram _report = LatencyWindow.CreateHistogram();
        private readonly LongHistogram _total = LatencyWindow.CreateHistogram();
        private readonly List<ModelWindow> _windows = [];
        private readonly double _maxRate;
        private readonly double _muService;
        private readonly bool _idleShare;
        private double _batchCpuSeconds;

        // CPU seconds the service's requests held CPUs for in the current control window (its CPU use, as a cgroup counts it).
        private double _takerBusySeconds;

        public Simulation(RateTrace trace, ModelOptions options, ModelSystem system, IElasticPolicy? policy)
        {
            _trace = trace;
            _options = options;
            _system = system;
            _random = new Random(options.Seed);
            _maxRate = trace.MaxRate * options.RateScale;
            var s = options.ServiceSigma;
            _muService = Math.Log(options.ServiceTime.TotalSeconds) - (s * s / 2);
            var initial = new ElasticAllocation(options.TakerCpus, options.InitialDonorCpus, null, ModelMemory, ModelMemory);
            _actuator = new ModelActuator(initial);
            _controller = policy is null ? null : new ElasticController(policy, _actuator);
            _idleShare = policy?.Spec.IdleShare ?? false;
        }

        private int Servers => _actuator.Current.TakerCpus;

        public ModelResult Run()
        {
            var end = _trace.Duration.TotalSeconds;
            var window = _controller?.Policy.Spec.Window.TotalSeconds ?? double.PositiveInfinity;
            var report = _options.ReportWindow.TotalSeconds;
            var now = 0.0;
            var nextArrival = NextArrival(0);
            var nextControl = window;
            var nextReport = report;
            var reportStart = 0.0;
            var movesBefore = 0;
            while (true)
            {
                var nextCompletion = _inService.TryPeek(out _, out var done) ? done : double.PositiveInfinity;
                var next = Math.Min(Math.Min(nextCompletion, nextArrival), Math.Min(Math.Min(nextControl, nextReport), end));
                _batchCpuSeconds += BatchRate() * (next - now);
                _takerBusySeconds += _inService.Count * (next - now);
                now = next;
                if (nextCompletion == now)
                {
                    _inService.Dequeue();
                    Record(now - TakeArrival(nextCompletion));
                    StartWaiting(now);
                }
                else if (nextArrival == now)
                {
                    _waiting.Enqueue(now);
                    StartWaiting(now);
                    nextArrival = NextArrival(now);
                }
                else if (nextControl == now)
                {
                    var observation = new ElasticObservation(
                        LatencyWindow.FromHistogram(_control, TimeSpan.FromSeconds(now - window), TimeSpan.FromSeconds(window), _controller!.Policy.Spec.Slo.Percentile),
                        TakerCpuUsed: _takerBusySeconds / window);
                    _control.Reset();
                    _takerBusySeconds = 0;
                    _controller.Step(observation);
                    StartWaiting(now);
                    nextControl += window;
                }
                else if (nextReport == now || now >= end)
                {
                    var moves = _actuator.Applied.Count;
                    if (now > reportStart)
                    {
                        _windows.Add(Report(reportStart, now, moves - movesBefore));
                    }

                    movesBefore = moves;
                    reportStart = now;
                    nextReport += report;
                    if (now >= end)
                    {
                        break;
                    }
                }
            }

            return new ModelResult(_system, _options, _windows, _actuator.Applied.ToList(), _total.TotalCount,
                Percentile(_total, 50), Percentile(_total, 99), Percentile(_total, 99.9), _batchCpuSeconds);
        }

        private double TakeArrival(double completion)
        {
            _arrivalOf.Remove(completion, out var arrival);
            return arrival;
        }

        private void StartWaiting(double now)
        {
            while (_waiting.Count > 0 && _inService.Count < Servers)
            {
                var arrival = _waiting.Dequeue();
                var completion = now + ServiceTime();
                while (_arrivalOf.ContainsKey(completion))
                {
                    completion = Math.BitIncrement(completion);
                }

                _arrivalOf[completion] = arrival;
                _inService.Enqueue(completion, completion);
            }
        }

        private double ServiceTime()
        {
            var s = _options.ServiceSigma;
            var baseTime = s == 0 ? _options.ServiceTime.TotalSeconds : Math.Exp(_muService + (s * Normal()));
            var stretched = baseTime * (1 + (_options.Interference * BatchRate() / _options.Cpus));
            return _idleShare ? stretched + _options.IdlePreemption.TotalSeconds : stretched;
        }

        /// <summary>The CPUs' worth of work the batch side does now: its own CPUs, and under idle sharing the service's idle ones, within its quota.</summary>
        private double BatchRate()
        {
            var current = _actuator.Current;
            if (!_idleShare)
            {
                return current.DonorEffectiveCpus;
            }

            var idle = Math.Max(0, Servers - _inService.Count) * _options.IdleEfficiency;
            var total = current.DonorCpus + idle;
            return current.DonorQuota is { } quota ? Math.Min(quota, total) : total;
        }

        private double NextArrival(double now)
        {
            if (_maxRate <= 0)
            {
                return double.PositiveInfinity;
            }

            // Thinning (Lewis and Shedler): candidates at the peak rate, each kept with probability rate(t)/peak.
            var t = now;
            while (true)
            {
                t += -Math.Log(1 - _random.NextDouble()) / _maxRate;
                if (t >= _trace.Duration.TotalSeconds)
                {
                    return double.PositiveInfinity;
                }

                if (_random.NextDouble() * _maxRate < _trace.RateAt(t) * _options.RateScale)
                {
                    return t;
                }
            }
        }

        private double Normal()
        {
            // Box-Muller; one of the pair is enough here.
            var u1 = 1 - _random.NextDouble();
            var u2 = _random.NextDouble();
            return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }

        private void Record(double seconds)
        {
            var latency = TimeSpan.FromSeconds(seconds);
            LatencyWindow.Record(_control, latency);
            LatencyWindow.Record(_report, latency);
            LatencyWindow.Record(_total, latency);
        }

        private ModelWindow Report(double start, double end, int moves)
        {
            var w = LatencyWindow.FromHistogram(_report, TimeSpan.FromSeconds(start), TimeSpan.FromSeconds(end - start), _options.Slo.Percentile);
            _report.Reset();
            var current = _actuator.Current;
            return new ModelWindow(w.Start, _trace.RateAt((start + end) / 2) * _options.RateScale, w.Count, w.P50, w.P99, w.P999, w.Tail,
                w.IsEmpty || _options.Slo.IsMet(w.Tail), current.TakerCpus, current.DonorCpus, current.DonorQuota, moves);
        }

        private static TimeSpan Percentile(HistogramBase histogram, double p) =>
            histogram.TotalCount == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(histogram.GetValueAtPercentile(p) * LatencyWindow.TicksPerUnit);
    }
}
