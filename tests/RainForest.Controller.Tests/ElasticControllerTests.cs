using RainForest.Controller.Model;
using RainForest.Core;
using RainForest.Core.Elastic;

namespace RainForest.Controller.Tests;

public class ElasticControllerTests
{
    private sealed class Recorder : IElasticObserver
    {
        public List<string> Events { get; } = [];

        public void OnWindow(ElasticPolicySpec spec, ElasticObservation observation, ElasticAllocation current, PolicyStats stats) =>
            Events.Add($"window {observation.Window.Tail.TotalMilliseconds} {current.TakerCpus}");

        public void OnDecision(ElasticPolicySpec spec, ElasticDecision decision, ElasticAllocation before, ElasticAllocation after) =>
            Events.Add($"decision {decision.Describe()} {before.TakerCpus}->{after.TakerCpus}");

        public void OnError(ElasticPolicySpec spec, ElasticDecision? decision, Exception error) =>
            Events.Add($"error {error.Message}");
    }

    private sealed class Refusing : IElasticActuator
    {
        public ElasticAllocation Read() => Windows.Alloc(2, 2);

        public ElasticAllocation Apply(ElasticDecision decision) => throw RfException.Failed("cpuset busy");
    }

    [Fact]
    public void Step_AppliesThroughActuator_AndReportsWindowAndDecision()
    {
        var recorder = new Recorder();
        var actuator = new ModelActuator(Windows.Alloc(2, 6));
        var controller = new ElasticController(ElasticController.CreatePolicy(Windows.Spec(PolicyKind.Threshold)), actuator, recorder);

        var d = controller.Step(Windows.At(10, 7));
        Assert.NotNull(d);
        Assert.Equal(3, actuator.Current.TakerCpus);
        Assert.Equal(5, actuator.Current.DonorCpus);
        Assert.Equal(["window 7 2", "decision +1 cpu 2->3"], recorder.Events);
        Assert.Equal(1, controller.Stats.Moves);
        Assert.Equal(1, controller.Stats.CpusLent);
        Assert.Equal(0, controller.Stats.WindowsWithinSlo);
        Assert.Equal(1, controller.Stats.Windows);
    }

    [Fact]
    public void Step_ReadsTheAllocationEachTime_SoAHandResizeIsSeen()
    {
        var actuator = new ModelActuator(Windows.Alloc(2, 6));
        var controller = new ElasticController(ElasticController.CreatePolicy(Windows.Spec(PolicyKind.Threshold, max: 3)), actuator);
        actuator.Apply(new ElasticDecision(TimeSpan.Zero, 1, null, 0, TimeSpan.Zero, "by hand"));
        Assert.Null(controller.Step(Windows.At(10, 7)));
    }

    [Fact]
    public void Step_ActuatorRefuses_CountsAndReportsTheError()
    {
        var recorder = new Recorder();
        var controller = new ElasticController(ElasticController.CreatePolicy(Windows.Spec(PolicyKind.Threshold)), new Refusing(), recorder);
        Assert.Null(controller.Step(Windows.At(10, 7)));
        Assert.Equal(1, controller.Stats.Errors);
        Assert.Equal(0, controller.Stats.Moves);
        Assert.Equal("error cpuset busy", recorder.Events[^1]);
    }

    [Fact]
    public void ModelActuator_RefusesToTakeTheTakersLastCpu()
    {
        var actuator = new ModelActuator(Windows.Alloc(1, 1));
        Assert.Throws<RfException>(() => actuator.Apply(new ElasticDecision(TimeSpan.Zero, -1, null, 0, TimeSpan.Zero, "x")));
        Assert.Equal(1, actuator.Current.TakerCpus);
    }
}
