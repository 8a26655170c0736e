using System.Collections.Concurrent;
using System.Diagnostics;
using RainForest.Controller.Runner;
using RainForest.Core;
using RainForest.Core.Elastic;
using RainForest.Core.Model;
using RainForest.Supervisor;
using RainForest.Supervisor.Cells;
using RainForest.Supervisor.Network;

namespace RainForest.Controller.Tests;

/// <summary>
/// The runner on the real kernel (root): memcached in a subOS on RFloop (CI installs it), probed from inside its namespace,
/// under a policy whose SLO cannot be met, so the slack policy borrows the donor's CPU and parks it.
/// </summary>
[Trait("Category", "Integration")]
[Collection(nameof(ModelTests))]
public sealed class PolicyRunnerTests : IDisposable
{
    private readonly string _statePath = Path.Combine(Path.GetTempPath(), $"rf-test-state-{Guid.NewGuid():N}");
    private readonly StateDirectory _state;

    public PolicyRunnerTests()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(CellBackend.AgentVariable)))
        {
            Assert.Fail("set RF_AGENT to the rf-agent binary (./rfm builds it in .build/bin)");
        }

        _state = new StateDirectory(_statePath);
        using var supervisor = Open();
        supervisor.Init(new InitOptions { ReserveCpus = CpuSet.Empty, ReserveMemory = ByteSize.FromMiB(512) });
    }

    public void Dispose()
    {
        using (var supervisor = Open())
        {
            supervisor.Deinit(force: true);
        }

        Directory.Delete(_statePath, recursive: true);
    }

    private RainForestSupervisor Open() => RainForestSupervisor.Open(_state);

    private sealed class Recorder : IElasticObserver
    {
        public ConcurrentQueue<string> Events { get; } = new();

        public void OnWindow(ElasticPolicySpec spec, ElasticObservation observation, ElasticAllocation current, PolicyStats stats) =>
            Events.Enqueue($"window {observation.Window.Count} errors {observation.Window.Errors}");

        public void OnDecision(ElasticPolicySpec spec, ElasticDecision decision, ElasticAllocation before, ElasticAllocation after) =>
            Events.Enqueue($"decision {decision.Cpus} {before.TakerCpus}->{after.TakerCpus}");

        public void OnError(ElasticPolicySpec spec, ElasticDecision? decision, Exception error) => Events.Enqueue($"error {error.Message}");
    }

    [Fact]
    public async Task Runner_SlackPolicyOverItsSlo_LendsTheDonorsCpuThroughTheSupervisor()
    {
        using (var supervisor = Open())
        {
            supervisor.Create(new CreateOptions { Name = "web", Cpus = CpuRequest.Parse("1", false), Memory = ByteSize.Parse("256M"), Net = NetMode.Loop });
            supervisor.Create(new CreateOptions { Name = "batch", Cpus = CpuRequest.Parse("1", false), Memory = ByteSize.Parse("256M") });
            var code = ExecClient.RunCaptured(supervisor.AgentSocket("web"), ["memcached", "-d", "-u", "nobody", "-p", "11211", "-m", "16"], false).ExitCode;
            Assert.Equal(0, code);

            // An objective no real service meets: every window is over the slack target.
            supervisor.SetPolicy(ElasticPolicySpec.Create("web", "batch", LatencySlo.Parse("p99<=1us"), ProbeSpec.Parse("memcached://web.rf:11211"), PolicyKind.Slack, probeRate: 50));
        }

        var recorder = new Recorder();
        using var stop = new CancellationTokenSource();
        await using var runner = new PolicyRunner(Open, recorder, new PolicyRunnerOptions { PollInterval = TimeSpan.FromMilliseconds(200) });
        var run = runner.RunAsync(stop.Token);
        var clock = Stopwatch.StartNew();
        while (!recorder.Events.Any(e => e.StartsWith("decision 1", StringComparison.Ordinal)) && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }

        await stop.CancelAsync();
        await run;

        // memcached answered the probes (windows with answers and no error), through RFloop from the taker's namespace.
        Assert.Contains(recorder.Events, e => e.StartsWith("window ", StringComparison.Ordinal) && e.EndsWith(" errors 0", StringComparison.Ordinal) && !e.StartsWith("window 0 ", StringComparison.Ordinal));
        Assert.Contains("decision 1 1->2", recorder.Events);
        using var after = Open();
        Assert.True(after.Show("batch").Parked);
        Assert.Equal(2, after.Show("web").Record.Cpus.Count);
        var borrow = after.Journal().Last(e => e.Operation == "borrow");
        Assert.StartsWith("1 cpu batch -> web: slack policy of web: p99 ", borrow.Message, StringComparison.Ordinal);
        after.Reclaim("web", null, "test done");
    }
}
