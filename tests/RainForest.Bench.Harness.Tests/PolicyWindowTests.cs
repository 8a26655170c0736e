using HdrHistogram;
using RainForest.Bench.Contracts;
using RainForest.Bench.Harness.Elastic;
using RainForest.Bench.Load;
using RainForest.Controller;
using RainForest.Core;
using RainForest.Core.Elastic;

namespace RainForest.Bench.Harness.Tests;

/// <summary>The load generator's windows merged into the policy's window and fed to the controller library's loop.</summary>
public sealed class PolicyWindowTests
{
    [Fact]
    public void Observe_OneSecondWindowsUnderATwoSecondThreshold_OneStepPerMergedWindowOnTheMergedTail()
    {
        var actuator = new RecordingActuator(new ElasticAllocation(1, 1, null, 1 << 30, 1 << 30));
        var controller = new PolicyWindowController(Spec(PolicyKind.Threshold, TimeSpan.FromSeconds(2)), actuator);

        // The first second alone is fast, but the policy sees both seconds together: 1000 replies at 1 ms and 1000
        // at 8 ms give a p99 of 8 ms, above ut (5 ms): one CPU to the LC, after the second window only.
        controller.Observe(Window(0, 1000, TimeSpan.FromMilliseconds(1)));
        Assert.Empty(actuator.Applied);
        controller.Observe(Window(1, 1000, TimeSpan.FromMilliseconds(8)));
        var grow = Assert.Single(actuator.Applied);
        Assert.Equal(1, grow.Cpus);
        Assert.Equal(8.0, grow.Trigger.TotalMilliseconds, 0.01);

        // Two fast seconds: p99 1 ms is below lt (4 ms), so the CPU goes back.
        controller.Observe(Window(2, 1000, TimeSpan.FromMilliseconds(1)));
        controller.Observe(Window(3, 1000, TimeSpan.FromMilliseconds(1)));
        Assert.Equal([1, -1], actuator.Applied.Select(d => d.Cpus));
        Assert.Equal(0, controller.FailedSteps);
    }

    [Fact]
    public void Observe_StepTheActuatorRefuses_CountedWithItsReasonNotThrown()
    {
        var actuator = new RecordingActuator(new ElasticAllocation(1, 1, null, 1 << 30, 1 << 30)) { Refuse = "the batch is busy" };
        var controller = new PolicyWindowController(Spec(PolicyKind.Threshold, TimeSpan.FromSeconds(1)), actuator);

        controller.Observe(Window(0, 1000, TimeSpan.FromMilliseconds(20)));

        Assert.Empty(actuator.Applied);
        Assert.Equal(1, controller.FailedSteps);
        Assert.Equal("the batch is busy", controller.FirstFailure);
    }

    [Fact]
    public void AddMicroseconds_NanosecondHistogram_SameCountsAtAThousandthOfTheValue()
    {
        var ns = new LongHistogram(1, 60_000_000_000, 3);
        ns.RecordValueWithCount(2_000_000, 90);
        ns.RecordValueWithCount(30_000_000, 10);
        var us = Controller.Latency.LatencyWindow.CreateHistogram();

        PolicyWindowController.AddMicroseconds(us, ns);

        Assert.Equal(100, us.TotalCount);
        Assert.InRange(us.GetValueAtPercentile(50), 1998, 2002);
        Assert.InRange(us.GetValueAtPercentile(99), 29_970, 30_030);
    }

    [Fact]
    public void Band_Threshold_LtAndUt_SlackNone()
    {
        Assert.Equal(["lt 4 ms", "ut 5 ms"], PolicyWindowController.Band(Spec(PolicyKind.Threshold, TimeSpan.FromSeconds(10))).Select(r => r.Label));
        Assert.Empty(PolicyWindowController.Band(Spec(PolicyKind.Slack, TimeSpan.FromSeconds(1))));
    }

    private static ElasticPolicySpec Spec(PolicyKind kind, TimeSpan window) => ElasticPolicySpec.Create(
        "lc", "batch", new LatencySlo(99, TimeSpan.FromMilliseconds(5)), ProbeSpec.Parse("memcached://lc:11211"), kind, window: window, maxCpus: 2, donorFloor: 0);

    private static LoadWindow Window(int index, long count, TimeSpan latency)
    {
        var histogram = new LongHistogram(1, 60_000_000_000, 3);
        histogram.RecordValueWithCount(latency.Ticks * 100, count);
        return new LoadWindow
        {
            Index = index,
            StartSeconds = index,
            EndSeconds = index + 1,
            Offered = count,
            Completed = count,
            Histogram = HistogramCodec.Encode(histogram),
        };
    }

    private sealed class RecordingActuator(ElasticAllocation initial) : IElasticActuator
    {
        private ElasticAllocation _current = initial;

        public List<ElasticDecision> Applied { get; } = [];

        public string? Refuse { get; init; }

        public ElasticAllocation Read() => _current;

        public ElasticAllocation Apply(ElasticDecision decision)
        {
            if (Refuse is not null)
            {
                throw RfException.Invalid(Refuse);
            }

            Applied.Add(decision);
            return _current = _current.After(decision);
        }
    }
}
