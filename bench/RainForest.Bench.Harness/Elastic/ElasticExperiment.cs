using System.Globalization;
using RainForest.Bench.Contracts;
using RainForest.Bench.Harness.Colocate;
using RainForest.Bench.Harness.Systems;
using RainForest.Bench.Harness.Tools;
using RainForest.Bench.Load;
using RainForest.Bench.Report;
using RainForest.Core;
using RainForest.Core.Elastic;

namespace RainForest.Bench.Harness.Elastic;

/// <summary>
/// The agility experiment (paper 6.3.2, Fig. 10, Fig. 11, Table 5): memcached in a subOS <c>lc</c> under an open-loop
/// load that follows a trace, batch jobs repeated in a subOS <c>batch</c>, and the CPUs between them fixed (static),
/// moved by a controller (threshold, slack), or not partitioned at all (linux). Each system replays the same trace,
/// one after another.
/// </summary>
internal sealed class ElasticExperiment : Experiment
{
    /// <inheritdoc />
    public override string Name => BenchHarness.Elastic;

    /// <summary>The systems the options ask for, in report order.</summary>
    /// <exception cref="RfException">An unknown system was named (exit code 2).</exception>
    public static IReadOnlyList<string> Requested(BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Systems is null)
        {
            return ElasticSystems.All;
        }

        foreach (var name in options.Systems)
        {
            if (!ElasticSystems.Known.Contains(name))
            {
                throw RfException.Invalid($"unknown system '{name}' for elastic (expected {string.Join(", ", ElasticSystems.Known)})");
            }
        }

        return [.. ElasticSystems.Known.Where(options.Systems.Contains)];
    }

    /// <summary>Checks every option before anything is made: systems, trace, jobs, SLO and sizes.</summary>
    /// <exception cref="RfException">An option is invalid (exit code 2).</exception>
    public static (IReadOnlyList<string> Systems, RateProfile Trace, IReadOnlyList<BatchJob> Jobs, ElasticSettings Settings) Validate(BenchOptions options, ITraceReader traces)
    {
        ArgumentNullException.ThrowIfNull(options);
        var systems = Requested(options);
        if (options.SloMs is { } slo && !(double.IsFinite(slo) && slo > 0))
        {
            throw RfException.Invalid("--slo-ms must be a positive number of milliseconds");
        }

        if (options.Rate is { } rate && !(double.IsFinite(rate) && rate > 0))
        {
            throw RfException.Invalid("--rate must be a positive number of requests per second");
        }

        if (options.Rounds is { } rounds && (rounds < 1 || rounds > ElasticDefaults.MaxRounds))
        {
            throw RfException.Invalid($"--rounds must be 1 to {ElasticDefaults.MaxRounds}");
        }

        if (options.Rounds is > 1 && options.Simulate)
        {
            throw RfException.Invalid("--rounds goes with a run on this machine: the simulation is deterministic, every round would be the same");
        }

        if (options.LcCpus is < 1)
        {
            throw RfException.Invalid("--lc-cpus must be at least 1");
        }

        if (!options.Simulate && options.LcCpus is { } lc && lc >= HostCpus.Online().Count)
        {
            throw RfException.Invalid($"--lc-cpus {lc} leaves no CPU for the batch subOS ({HostCpus.Online().Count} online)");
        }

        var trace = traces.Read(options.TracePath);
        var jobs = BatchJobList.Read(options.JobsPath);
        return (systems, trace, jobs, ElasticSettings.For(options));
    }

    /// <summary>The trace as one system replays it: its shape scaled to the peak rate and, when the mode says, to its length.</summary>
    public static RateProfile Replay(RateProfile trace, ElasticSettings settings)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(settings);
        var timeFactor = settings.Length is { } length ? length.TotalSeconds / trace.Duration.TotalSeconds : 1;
        return trace.Scale(settings.PeakRate / trace.MaxRate, timeFactor);
    }

    /// <summary>
    /// The order the systems run in round <paramref name="round"/> (from 1): the requested order turned left by one
    /// place per round, so that over as many rounds as systems each runs once in every place. A machine that slows
    /// down or speeds up over the experiment (a VM's neighbours, its host's clock) then favours no system.
    /// </summary>
    public static IReadOnlyList<string> RoundOrder(IReadOnlyList<string> systems, int round)
    {
        ArgumentNullException.ThrowIfNull(systems);
        ArgumentOutOfRangeException.ThrowIfLessThan(round, 1);
        if (systems.Count == 0)
        {
            return systems;
        }

        var shift = (round - 1) % systems.Count;
        return [.. systems.Skip(shift), .. systems.Take(shift)];
    }

    /// <inheritdoc />
    public override async Task<BenchRun> RunAsync(BenchSession session)
    {
        var traces = new ControllerTraceReader();
        var (requested, trace, allJobs, settings) = Validate(session.Options, traces);
        var online = HostCpus.Online().Count;
        if (session.Options.Simulate)
        {
            return Simulate(session, traces, requested, settings, session.Options.Cores ?? online);
        }

        var replay = Replay(trace, settings);
        var missing = await session.EnsureAsync([Requirement.Timeout, Requirement.Memcached, Requirement.Nsenter, Requirement.StressNg]).ConfigureAwait(false);
        if (missing.Contains(Requirement.Memcached))
        {
            throw RfException.Failed("memcached is not installed (apt-get install memcached, or run without --no-install as root)");
        }

        _ = ToolPaths.Loadgen;
        var jobs = allJobs.Where(j => j.Programs.All(p => Executables.Find(p) is not null)).ToList();
        foreach (var job in allJobs.Except(jobs))
        {
            session.Note($"batch job {job.Name} left out: {string.Join(", ", job.Programs.Where(p => Executables.Find(p) is null))} is not installed.");
        }

        if (jobs.Count == 0)
        {
            throw RfException.Failed("none of the batch jobs can run here: their programs are not installed");
        }

        List<SystemRun> runs = [];
        IReadOnlyList<ReferenceLine> band = [];
        var directory = Path.Combine(Path.GetTempPath(), $"rf-bench-{session.RunId}-elastic");
        CellSystem? cells = null;
        try
        {
            if (requested.Any(s => s != ElasticSystems.Linux))
            {
                cells = new CellSystem(session.RunId);
                session.Note(cells.Description);
            }

            var partitionable = cells?.PartitionableCpus ?? online;
            if (partitionable < 2)
            {
                throw RfException.Invalid($"the agility experiment needs two subOSes of at least one CPU; {partitionable} CPU(s) can be partitioned");
            }

            var lcCpus = session.Options.LcCpus ?? partitionable / 2;
            if (lcCpus >= partitionable)
            {
                throw RfException.Invalid($"--lc-cpus {lcCpus} leaves no CPU for the batch subOS ({partitionable} can be partitioned)");
            }

            var batchCpus = partitionable - lcCpus;
            Dictionary<string, ElasticPolicySpec?> specs = [];
            foreach (var system in requested)
            {
                var spec = specs[system] = ElasticSystems.Controlled.Contains(system) ? ElasticControllers.Spec(system, settings, partitionable) : null;
                if (spec is not null)
                {
                    band = [.. band, .. PolicyWindowController.Band(spec)];
                    session.Note($"{system}: policy {spec.Kind.ToText()}, {spec.Slo}, window {spec.Window.TotalSeconds:0.###} s" +
                                 (spec.Kind == PolicyKind.Threshold ? $", (lt, ut) = ({spec.Lower.TotalMilliseconds:0.##} ms, {spec.Upper.TotalMilliseconds:0.##} ms)" : "") +
                                 $", LC {spec.MinCpus} to {spec.MaxCpus} CPUs, batch keeps {spec.DonorFloor} ({(spec.IdleShare ? "and runs in the LC's idle time, at idle priority, one job per CPU the LC left at least half idle" : "parked when it has none")}); the controller library's loop runs in rf-bench on the load generator's windows " +
                                 "and lends, reclaims and sets the batch's CPU quota through the supervisor's facade (journalled lend/borrow entries with the latency that caused each).");
                }
            }

            var rounds = session.Options.Rounds ?? 1;
            for (var round = 1; round <= rounds; round++)
            {
                foreach (var system in RoundOrder(requested, round))
                {
                    session.Cancellation.ThrowIfCancellationRequested();
                    var label = rounds == 1 ? system : $"{system}, round {round}";
                    var task = rounds == 1 ? $"elastic: {system}" : $"elastic: {label} of {rounds}";
                    var run = await RunSystemAsync(session, system, label, cells, lcCpus, batchCpus, replay, jobs, settings, specs[system], directory, task).ConfigureAwait(false);
                    if (run is not null)
                    {
                        runs.Add(run with { Round = round });
                    }

                    session.Progress(task, 1);
                }
            }
        }
        finally
        {
            cells?.Dispose();
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        var names = runs.Select(r => r.System).Distinct().ToList();
        return session.Complete(Document(session, settings, traces.Describe(session.Options.TracePath), replay, jobs, runs, band, online), names);
    }

    /// <summary><c>--simulate</c>: the policies on the controller library's model; returns the same document.</summary>
    private BenchRun Simulate(BenchSession session, ITraceReader traces, IReadOnlyList<string> requested, ElasticSettings settings, int cores)
    {
        var trace = traces.ReadTrace(session.Options.TracePath);
        if (requested.Contains(ElasticSystems.Linux))
        {
            session.Note("linux: not in the simulation: the model has partitioned systems only (static, threshold, slack).");
        }

        var runs = ElasticSimulation.Run(trace, cores, settings.SloMs, requested, out var model);
        var spec = Controller.Model.ElasticModel.DefaultSpec(PolicyKind.Threshold, model);
        var band = requested.Contains(ElasticSystems.Threshold) ? PolicyWindowController.Band(spec) : [];
        var profile = new RateProfile([.. trace.Points.Select(p => new RatePoint(p.Seconds, p.RequestsPerSecond * model.RateScale))]);
        var run = Document(session, settings, traces.Describe(session.Options.TracePath), profile, [], runs, band, cores) with
        {
            Title = "Agility, simulated: the policies on the controller library's queueing model",
            Description =
                $"The controller library's deterministic model (M/G/c: {cores} simulated CPUs, LC starts with {model.TakerCpus}, the batch with {model.InitialDonorCpus}; " +
                $"service time {model.ServiceTime.TotalMilliseconds:0.###} ms mean, lognormal sigma {model.ServiceSigma:0.##}; the trace's rates times {model.RateScale:0.##}; " +
                $"seed {model.Seed}) replays {traces.Describe(session.Options.TracePath)}. The policies are the same code the real run uses; " +
                $"batch work is counted in jobs of {model.JobCpuSeconds:0} CPU-seconds. Windows of {model.ReportWindow.TotalSeconds:0.###} s; SLO {model.Slo}.",
            Parameters = new Dictionary<string, string>
            {
                ["simulated CPUs"] = cores.ToString(CultureInfo.InvariantCulture),
                ["trace"] = traces.Describe(session.Options.TracePath),
                ["trace length"] = $"{trace.Duration.TotalSeconds:0} s",
                ["SLO"] = model.Slo.ToString(),
                ["seed"] = model.Seed.ToString(CultureInfo.InvariantCulture),
            },
            Notes = ["Simulated: no program ran. The model's numbers compare the policies with each other, not with this machine."],
            Tables = [ElasticTable.Table(runs, settings.SloMs, "batch jobs finished (model)")],
        };
        return session.Complete(run, [.. runs.Select(r => r.System)]);
    }

    /// <summary>Runs one system over the trace; <paramref name="label"/> names it in the notes (with its round).</summary>
    private static async Task<SystemRun?> RunSystemAsync(BenchSession session, string system, string label, CellSystem? cells, int lcCpus, int batchCpus,
        RateProfile replay, IReadOnlyList<BatchJob> jobs, ElasticSettings settings, ElasticPolicySpec? spec, string directory, string task)
    {
        var length = replay.Duration + settings.Warmup;
        var limit = length + TimeSpan.FromMinutes(5);
        BenchSystem platform = system == ElasticSystems.Linux ? new LinuxSystem(session.RunId) : cells!;
        BenchInstance? lc = null;
        BenchInstance? batch = null;
        MemcachedServer? server = null;
        BatchRunner? batchRunner = null;
        TraceClient? client = null;
        CellAllocation? allocation = null;
        try
        {
            // Linux: both instances see every CPU; their sizes only set memcached's threads and the batch's jobs at a time.
            lc = platform.CreateInstance("lc", lcCpus, ElasticSettings.InstanceMemory);
            batch = platform.CreateInstance("batch", batchCpus, ElasticSettings.InstanceMemory);
            allocation = cells is not null && system != ElasticSystems.Linux ? new CellAllocation(cells.Supervisor, lc.Name, batch.Name, lcCpus, batchCpus) : null;
            if (spec is { IdleShare: true } && allocation is not null)
            {
                allocation.ShareIdle($"rfm bench elastic: the {system} policy shares the LC's idle time (--idle-share)");
            }

            var controller = spec is not null && allocation is not null ? ElasticControllers.Create(spec, cells!.Supervisor.State, allocation) : null;

            // Threads for every CPU the LC could own, so that a grown LC can use what it gets.
            var maxLc = spec?.MaxCpus ?? lcCpus;
            server = await MemcachedServer.StartAsync(lc, limit, session.Cancellation, threads: maxLc).ConfigureAwait(false);
            batchRunner = BatchRunner.Start(batch, jobs, () => allocation?.BatchSlots ?? batchCpus, limit);
            client = TraceClient.Start(lc, server.Port, replay, settings.Window, settings, directory, seed: 1);
            List<WindowRecord> windows = [];
            var expected = Math.Max(1, length.TotalSeconds);
            await foreach (var window in client.Windows.ReadAllAsync(session.Cancellation).ConfigureAwait(false))
            {
                windows.Add(new WindowRecord(window.EndSeconds, window.Offered, window.Completed, window.P50Us / 1000, window.P99Us / 1000, window.P999Us / 1000,
                    allocation?.LcCpus ?? lcCpus, allocation?.BatchEffectiveCpus ?? batchCpus, batchRunner.Running, allocation?.BatchQuota));
                controller?.Observe(window);

                session.Progress(task, window.EndSeconds / expected);
            }

            var load = await client.Result.ConfigureAwait(false);
            if (controller is { FailedSteps: > 0 } failing)
            {
                session.Note($"{label}: {failing.FailedSteps} step(s) of the policy could not be applied (nothing changed); the first: {failing.FirstFailure}");
            }

            client = null;
            allocation?.Restore();
            var outcome = await batchRunner.StopAsync().ConfigureAwait(false);
            batchRunner = null;
            foreach (var failure in outcome.Failures)
            {
                session.Note($"{label}: {failure}");
            }

            if (load.Errors + load.Timeouts > 0)
            {
                session.Note($"{label}: {load.Errors} errors and {load.Timeouts} timeouts of {load.Scheduled} requests.");
            }

            // Unconfined, the generator runs on the subOSes' CPUs: what it took belongs beside what they got.
            session.Note(string.Create(CultureInfo.InvariantCulture,
                $"{label}: rf-loadgen used {load.GeneratorCpus:0.00} CPUs on average ({load.GeneratorCpuSeconds:0.#} CPU-seconds) on the host's CPUs."));

            return new SystemRun
            {
                System = system,
                Windows = windows,
                Load = load,
                P50Ms = load.P50Us / 1000,
                P99Ms = load.P99Us / 1000,
                P999Ms = load.P999Us / 1000,
                BatchFinished = outcome.Finished,
                Moves = (int)(controller?.Moves ?? 0),
                Throughput = load.Throughput,
                Failed = load.Errors + load.Timeouts,
            };
        }
        catch (RfException e) when (e.ExitCode == RfException.FailureExitCode)
        {
            session.Note($"{label}: not measured: {e.Message}");
            return null;
        }
        finally
        {
            if (client is not null)
            {
                await client.StopAsync().ConfigureAwait(false);
            }

            if (batchRunner is not null)
            {
                try
                {
                    // A parked batch cannot end its jobs: give its CPUs back first.
                    allocation?.Restore();
                }
                catch (RfException e)
                {
                    session.Note($"{label}: returning the lent CPUs failed: {e.Message}");
                }

                await batchRunner.StopAsync().ConfigureAwait(false);
            }

            if (server is not null)
            {
                await server.StopAsync().ConfigureAwait(false);
            }

            if (batch is not null)
            {
                platform.DestroyInstance(batch);
            }

            if (lc is not null)
            {
                platform.DestroyInstance(lc);
            }

            if (platform != cells)
            {
                platform.Dispose();
            }
        }
    }

    private BenchRun Document(BenchSession session, ElasticSettings settings, string traceName, RateProfile replay, IReadOnlyList<BatchJob> jobs,
        IReadOnlyList<SystemRun> allRuns, IReadOnlyList<ReferenceLine> band, int online)
    {
        static string S(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

        // Over several rounds the figures and histograms show the first round only: fifteen lines to a chart say less.
        var rounds = allRuns.Count == 0 ? 1 : allRuns.Max(r => r.Round);
        var runs = allRuns.Where(r => r.Round == 1).ToList();
        List<TimeSeriesChart> charts = [ElasticTable.LatencyChart(runs, settings.SloMs, band)];
        if (runs.Any(r => r.System != ElasticSystems.Linux))
        {
            charts.Add(ElasticTable.CpuChart(runs));
        }

        if (runs.Any(r => r.Windows.Any(w => w.BatchJobs is not null)))
        {
            charts.Add(ElasticTable.JobsChart(runs));
        }

        if (runs.Any(r => r.Windows.Any(w => w.BatchQuota is not null)))
        {
            charts.Add(ElasticTable.QuotaChart(runs));
        }

        if (runs.Count > 0)
        {
            charts.Add(ElasticTable.LoadChart("offered", runs[0].Windows));
        }

        List<LatencySeries> latencies = [.. runs.Where(r => r.Load is not null).Select(r =>
            LatencyHistograms.ToSeries(HistogramCodec.Decode(r.Load!.Histogram), r.System, "memcached over the trace", "memcached over the trace") with { OpsPerSecond = r.Load.Throughput })];
        return new BenchRun
        {
            Experiment = Name,
            Title = "Agility: CPUs moved between a latency-critical service and batch jobs",
            Paper = "Fig. 10, Fig. 11, Table 5",
            Description =
                $"memcached serves in the subOS lc, batch jobs ({string.Join(", ", jobs.Select(j => j.Name))}) run one after another and repeated in the subOS batch, one at a time per CPU the batch owns " +
                "(under idle sharing, plus one per CPU the LC left at least half idle over the last second). " +
                $"rf-loadgen replays {traceName} open loop from the host (Poisson arrivals within each moment's rate, latency from each request's intended send time, no coordinated omission), " +
                $"scaled to a peak of {settings.PeakRate:0} req/s over {S(replay.Duration.TotalSeconds)} s, and reports the p50/p99/p99.9 of each {S(settings.Window.TotalMilliseconds)} ms window " +
                $"(HdrHistogram, replies by arrival time). A window meets the SLO when its p99 is at most {S(settings.SloMs)} ms. " +
                "linux: both unpinned on the host, no controller; static: a fixed partition; threshold: the paper's policy (10 s windows, one CPU per step at (lt, ut)); " +
                "slack: RainForest's (short windows, smoothed tail, fast grow, slow shrink, quota below a whole CPU); slack-idle is the same policy with the batch also running in the LC's idle time at idle priority (--idle-share). Every system replays the same requests (one seed).",
            Parameters = new Dictionary<string, string>
            {
                ["trace"] = traceName,
                ["trace length"] = S(replay.Duration.TotalSeconds) + " s",
                ["peak rate"] = $"{settings.PeakRate:0} req/s",
                ["mean rate"] = $"{replay.MeanRate:0} req/s",
                ["window"] = S(settings.Window.TotalMilliseconds) + " ms",
                ["SLO"] = $"p99 <= {S(settings.SloMs)} ms per window",
                ["rounds"] = rounds.ToString(CultureInfo.InvariantCulture),
                ["connections"] = settings.Connections.ToString(CultureInfo.InvariantCulture),
                ["batch jobs"] = string.Join("; ", jobs.Select(j => $"{j.Name}: {j.Command}")),
                ["instance memory"] = ElasticSettings.InstanceMemory.ToString(),
            },
            Notes =
            [
                $"This machine has {online} online CPU(s): the LC and batch subOSes start with half each" +
                (online <= 2 ? ", so a controller can only lend the batch's one CPU (parking the batch: frozen until the CPU returns), give it back, or limit the batch's CPU time; the numbers say little about larger machines (rfm bench elastic --simulate --cores 64 runs the same policies on a model of one)." : "."),
                "The load generator runs on the host, in the LC subOS's network namespace (nsenter -n), and competes for CPU with both subOSes; its own lateness is inside the latencies.",
                .. rounds > 1
                    ? [$"{rounds} rounds, the systems' order turned by one place each round: the first table gives each system's medians and its batch jobs over static's in the same round; the second every run; the charts and latency histograms show round 1."]
                    : (string[])[],
            ],
            Machine = session.Machine,
            Latencies = latencies,
            Tables = rounds == 1
                ? [ElasticTable.Table(runs, settings.SloMs, "batch jobs finished")]
                : [ElasticTable.MedianTable(allRuns, settings.SloMs, "batch jobs finished"), ElasticTable.Table(allRuns, settings.SloMs, "batch jobs finished")],
            TimeSeries = charts,
        };
    }
}
