using System.Globalization;
using HdrHistogram;
using RainForest.Bench.Contracts;
using RainForest.Bench.Load;
using RainForest.Bench.Report;
using RainForest.Controller;
using RainForest.Controller.Latency;
using RainForest.Core.Elastic;

namespace RainForest.Bench.Harness.Elastic;

/// <summary>
/// Runs the controller library's loop (<see cref="ElasticController"/>) in-process on the load generator's windows:
/// base windows are merged (their HdrHistograms added) until they span the policy's window, and each merged window
/// is one step of the loop.
/// </summary>
internal sealed class PolicyWindowController : IWindowController, IElasticObserver
{
    private readonly ElasticController _controller;
    private readonly CellAllocation? _allocation;
    private readonly LongHistogram _pending = LatencyWindow.CreateHistogram();
    private readonly CpuUseMeter _use = new();
    private double _pendingStart = double.NaN;
    private double _pendingEnd;

    /// <summary>Runs <paramref name="spec"/> through <paramref name="actuator"/>; <paramref name="allocation"/>, when given, follows what the actuator reports.</summary>
    public PolicyWindowController(ElasticPolicySpec spec, IElasticActuator actuator, CellAllocation? allocation = null)
    {
        Spec = spec;
        _allocation = allocation;
        _controller = new ElasticController(ElasticController.CreatePolicy(spec), actuator, this);

        // The first reading of the LC's CPU time: each window's use runs from the previous window's end.
        _use.Sample(allocation?.LcCpuSeconds());
    }

    /// <summary>The policy.</summary>
    public ElasticPolicySpec Spec { get; }

    /// <summary>Steps that could not be applied (refused by the actuator, nothing changed).</summary>
    public long FailedSteps => _controller.Stats.Errors;

    /// <summary>Steps applied.</summary>
    public long Moves => _controller.Stats.Moves;

    /// <summary>Why the first step that could not be applied was refused; null when none was.</summary>
    public string? FirstFailure { get; private set; }

    /// <inheritdoc />
    void IElasticObserver.OnWindow(ElasticPolicySpec spec, ElasticObservation observation, ElasticAllocation current, PolicyStats stats) =>
        _allocation?.Update(current);

    /// <inheritdoc />
    void IElasticObserver.OnDecision(ElasticPolicySpec spec, ElasticDecision decision, ElasticAllocation before, ElasticAllocation after) =>
        _allocation?.Update(after);

    /// <inheritdoc />
    void IElasticObserver.OnError(ElasticPolicySpec spec, ElasticDecision? decision, Exception error) =>
        FirstFailure ??= error.Message;

    /// <summary>The dashed lines the policy draws on the latency plot: the threshold policy's (lt, ut).</summary>
    public static IReadOnlyList<ReferenceLine> Band(ElasticPolicySpec spec) => spec.Kind == PolicyKind.Threshold
        ?
        [
            new ReferenceLine(string.Create(CultureInfo.InvariantCulture, $"lt {spec.Lower.TotalMilliseconds:0.##} ms"), spec.Lower.TotalMilliseconds),
            new ReferenceLine(string.Create(CultureInfo.InvariantCulture, $"ut {spec.Upper.TotalMilliseconds:0.##} ms"), spec.Upper.TotalMilliseconds),
        ]
        : [];

    /// <inheritdoc />
    public void Observe(LoadWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (double.IsNaN(_pendingStart))
        {
            _pendingStart = window.StartSeconds;
        }

        _pendingEnd = window.EndSeconds;
        if (window.Completed > 0)
        {
            AddMicroseconds(_pending, HistogramCodec.Decode(window.Histogram));
        }

        // A base window that ends within 1% of the policy's window closes it (the base windows tile it).
        var length = TimeSpan.FromSeconds(_pendingEnd - _pendingStart);
        if (length.Ticks < Spec.Window.Ticks * 0.99)
        {
            return;
        }

        var latency = LatencyWindow.FromHistogram(_pending, TimeSpan.FromSeconds(_pendingStart), length, Spec.Slo.Percentile);
        _pending.Reset();
        _pendingStart = double.NaN;
        _controller.Step(new ElasticObservation(latency, TakerCpuUsed: _use.Sample(_allocation?.LcCpuSeconds())));
    }

    /// <summary>Adds a histogram of nanoseconds to one of microseconds.</summary>
    internal static void AddMicroseconds(HistogramBase microseconds, HistogramBase nanoseconds)
    {
        foreach (var value in nanoseconds.RecordedValues())
        {
            var us = Math.Clamp(nanoseconds.MedianEquivalentValue(value.ValueIteratedTo) / 1000, 1, LatencyWindow.HighestMicroseconds);
            microseconds.RecordValueWithCount(us, value.CountAtValueIteratedTo);
        }
    }
}
