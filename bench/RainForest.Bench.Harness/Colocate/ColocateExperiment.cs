using System.Globalization;
using RainForest.Bench.Contracts;
using RainForest.Bench.Harness.Interference;
using RainForest.Bench.Harness.Systems;
using RainForest.Bench.Harness.Tools;
using RainForest.Bench.Load;
using RainForest.Bench.Report;

namespace RainForest.Bench.Harness.Colocate;

/// <summary>
/// memcached as the latency-critical service next to batch jobs (paper Fig. 9 and Table 5), and its tail latency
/// against load on two instances (Fig. 8). memcached runs in one instance, each batch job in the other; the
/// open-loop load generator (Poisson arrivals, latency from the intended send time) runs on the host.
/// </summary>
internal sealed class ColocateExperiment : Experiment
{
    private const string Alone = "alone";
    private const string SweepGroup = "two memcached instances";

    // Rates still run after the first that misses the service level, so the curve shows the climb past the knee.
    private const int RatesPastKnee = 2;

    /// <inheritdoc />
    public override string Name => BenchHarness.Colocate;

    /// <inheritdoc />
    public override async Task<BenchRun> RunAsync(BenchSession session)
    {
        var settings = ColocateSettings.For(session.Options);
        var missing = await session.EnsureAsync([Requirement.Timeout, Requirement.Memcached, Requirement.Nsenter, .. settings.Batches.Select(b => b.Requirement)]).ConfigureAwait(false);
        if (missing.Contains(Requirement.Memcached))
        {
            return session.Complete(Document(session.Machine, settings, 0, [], [], [], []) with { Notes = ["Not measured: memcached is not installed."] }, []);
        }

        _ = ToolPaths.Loadgen;
        var batches = settings.Batches.Where(b => !missing.Contains(b.Requirement)).ToList();
        using var set = await SystemSet.OpenAsync(session).ConfigureAwait(false);
        if (set.PartitionableCpus < 2)
        {
            throw Core.RfException.Invalid($"the colocation experiment needs two instances of at least one CPU; {set.PartitionableCpus} CPU(s) can be partitioned");
        }

        var cpus = set.PartitionableCpus / 2;
        var perRun = settings.Warmup + settings.Duration + settings.Ramp + TimeSpan.FromSeconds(5);
        var serverLimit = (perRun * (batches.Count + 1) + (settings.SweepDuration + settings.Warmup + TimeSpan.FromSeconds(3)) * settings.SweepRates.Count) * set.Systems.Count * 2 + TimeSpan.FromMinutes(5);
        var lc = new Dictionary<string, BenchInstance>();
        var batch = new Dictionary<string, BenchInstance>();
        var servers = new Dictionary<string, MemcachedServer>();
        List<BenchSystem> systems = [];
        try
        {
            foreach (var system in set.Systems)
            {
                lc[system.Name] = system.CreateInstance("lc", cpus, ColocateSettings.InstanceMemory);
                batch[system.Name] = system.CreateInstance("batch", cpus, ColocateSettings.InstanceMemory);
                try
                {
                    servers[system.Name] = await MemcachedServer.StartAsync(lc[system.Name], serverLimit, session.Cancellation).ConfigureAwait(false);
                    systems.Add(system);
                }
                catch (Core.RfException e)
                {
                    session.Note($"{system.Name}: not measured: memcached did not start: {e.Message}");
                }
            }

            var runs = new Dictionary<(string System, string Scenario), Measurement>();
            var preloaded = new HashSet<string>();
            var scenarios = new[] { Alone }.Concat(batches.Select(b => b.Name)).ToList();
            var total = scenarios.Count * Math.Max(1, systems.Count);
            var done = 0;
            foreach (var scenario in scenarios)
            {
                foreach (var system in systems)
                {
                    session.Cancellation.ThrowIfCancellationRequested();
                    session.Progress("colocate: memcached next to batch jobs", (double)done++ / total);
                    var stressor = scenario == Alone ? null : batches.First(b => b.Name == scenario);
                    var measurement = await MeasureAsync(session, settings, system.Name, stressor, lc[system.Name], batch[system.Name], servers[system.Name].Port,
                        preload: preloaded.Add(system.Name), perRun).ConfigureAwait(false);
                    if (measurement is not null)
                    {
                        runs[(system.Name, scenario)] = measurement;
                    }
                }
            }

            session.Progress("colocate: memcached next to batch jobs", 1);
            var names = systems.Select(s => s.Name).ToList();
            NoteLateSends(session, names, scenarios, runs);
            var curves = await SweepAsync(session, settings, systems, lc, batch, servers, serverLimit).ConfigureAwait(false);
            return session.Complete(Document(session.Machine, settings, cpus, names, scenarios, runs, curves), names);
        }
        finally
        {
            foreach (var server in servers.Values)
            {
                await server.StopAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<Measurement?> MeasureAsync(BenchSession session, ColocateSettings settings, string system, Stressor? stressor,
        BenchInstance lc, BenchInstance batch, int port, bool preload, TimeSpan limit)
    {
        var what = stressor is null ? "memcached alone" : $"memcached next to {stressor.Name}";
        StressorProcess? background = null;
        StressorOutcome? batchOutcome = null;
        try
        {
            if (stressor is not null)
            {
                var seconds = (int)Math.Ceiling((settings.Warmup + settings.Duration + settings.Ramp).TotalSeconds) + 10;
                background = await StressorProcess.StartAsync(stressor, batch, seconds, limit + TimeSpan.FromSeconds(seconds), session.Cancellation).ConfigureAwait(false);
                await Task.Delay(settings.Ramp, session.Cancellation).ConfigureAwait(false);
            }

            var before = CpuUsage.Read();
            var result = await LoadClient.RunAsync(lc, port, settings.Rate, settings.Duration, settings.Warmup, settings.Connections, settings.KeySpace,
                preload, seed: 1, session.Cancellation).ConfigureAwait(false);
            var busy = CpuUsage.Read().BusySince(before);
            if (background is not null)
            {
                batchOutcome = await background.StopAsync().ConfigureAwait(false);
                background = null;
                if (batchOutcome.Failure is not null)
                {
                    session.Note($"{system}: {what}: the batch job's throughput is unknown: {batchOutcome.Failure}.");
                }
            }

            Check(session, system, what, result);
            return new Measurement(result, batchOutcome?.Value, busy);
        }
        catch (Core.RfException e)
        {
            session.Note($"{system}: {what}: {e.Message}; not reported.");
            return null;
        }
        finally
        {
            if (background is not null)
            {
                await background.StopAsync().ConfigureAwait(false);
            }
        }
    }

    private static void Check(BenchSession session, string system, string what, LoadResult result)
    {
        if (result.Errors + result.Timeouts > 0)
        {
            session.Note($"{system}: {what}: {result.Errors} errors and {result.Timeouts} timeouts of {result.Scheduled} requests.");
        }
    }

    /// <summary>One note per system naming the runs where the generator itself fell behind its schedule.</summary>
    private static void NoteLateSends(BenchSession session, IReadOnlyList<string> systems, IReadOnlyList<string> scenarios, Dictionary<(string System, string Scenario), Measurement> runs)
    {
        foreach (var system in systems)
        {
            var late = scenarios.Where(s => runs.TryGetValue((system, s), out var m) && m.Load.SendLagP99Us > 1000)
                .Select(s => $"{s} ({runs[(system, s)].Load.SendLagP99Us:0} µs)").ToList();
            if (late.Count > 0)
            {
                session.Note($"{system}: the load generator sent late (p99 send lag above 1 ms) in: {string.Join(", ", late)}. The client, not only the server, was short of CPU; " +
                             "the lateness is inside the latencies, which count from each request's intended send time.");
            }
        }
    }

    private static async Task<IReadOnlyList<LoadCurve>> SweepAsync(BenchSession session, ColocateSettings settings, IReadOnlyList<BenchSystem> systems,
        Dictionary<string, BenchInstance> lc, Dictionary<string, BenchInstance> batch, Dictionary<string, MemcachedServer> servers, TimeSpan serverLimit)
    {
        var second = new Dictionary<string, MemcachedServer>();
        var points = systems.ToDictionary(s => s.Name, _ => new List<LoadPoint>());
        var pastKnee = systems.ToDictionary(s => s.Name, _ => -1);
        var sweep = new SweepOptions { Rates = settings.SweepRates, P99LimitUs = settings.P99LimitUs };
        const string Task = "colocate: load sweep on two memcached instances";
        try
        {
            foreach (var system in systems)
            {
                second[system.Name] = await MemcachedServer.StartAsync(batch[system.Name], serverLimit, session.Cancellation).ConfigureAwait(false);
            }

            var rates = settings.SweepRates.Order().ToList();
            for (var r = 0; r < rates.Count; r++)
            {
                session.Progress(Task, (double)r / rates.Count);
                foreach (var system in systems.Where(s => pastKnee[s.Name] < RatesPastKnee))
                {
                    session.Cancellation.ThrowIfCancellationRequested();
                    var point = await SweepPointAsync(session, settings, system.Name, rates[r], lc[system.Name], servers[system.Name].Port,
                        batch[system.Name], second[system.Name].Port, preload: r == 0, sweep).ConfigureAwait(false);
                    if (point is null)
                    {
                        pastKnee[system.Name] = RatesPastKnee;
                        continue;
                    }

                    points[system.Name].Add(point.Value.Point);
                    if (pastKnee[system.Name] >= 0 || !point.Value.Meets)
                    {
                        pastKnee[system.Name]++;
                    }
                }
            }

            session.Progress(Task, 1);
        }
        finally
        {
            foreach (var server in second.Values)
            {
                await server.StopAsync().ConfigureAwait(false);
            }
        }

        return [.. systems.Where(s => points[s.Name].Count > 0).Select(s => new LoadCurve
        {
            System = s.Name,
            Group = SweepGroup,
            Unit = TimeUnit.Microseconds,
            Points = points[s.Name],
        })];
    }

    private static async Task<(LoadPoint Point, bool Meets)?> SweepPointAsync(BenchSession session, ColocateSettings settings, string system, double rate,
        BenchInstance first, int firstPort, BenchInstance second, int secondPort, bool preload, SweepOptions sweep)
    {
        try
        {
            var before = CpuUsage.Read();
            var results = await Task.WhenAll(
                LoadClient.RunAsync(first, firstPort, rate / 2, settings.SweepDuration, settings.Warmup, settings.Connections, settings.KeySpace, preload, 1, session.Cancellation),
                LoadClient.RunAsync(second, secondPort, rate / 2, settings.SweepDuration, settings.Warmup, settings.Connections, settings.KeySpace, preload, 2, session.Cancellation)).ConfigureAwait(false);
            var busy = CpuUsage.Read().BusySince(before);
            var merged = LatencyHistograms.Merge(results.Select(r => r.Histogram));
            double Us(double percentile) => merged.GetValueAtPercentile(percentile) / 1000.0;
            var combined = new LoadResult
            {
                OfferedRate = rate,
                Throughput = results.Sum(r => r.Throughput),
                Scheduled = results.Sum(r => r.Scheduled),
                Completed = results.Sum(r => r.Completed),
                Errors = results.Sum(r => r.Errors),
                Timeouts = results.Sum(r => r.Timeouts),
                P99Us = merged.TotalCount > 0 ? Us(99) : double.PositiveInfinity,
            };
            var point = new LoadPoint(rate, combined.Throughput, merged.TotalCount > 0 ? Us(50) : 0, combined.P99Us, merged.TotalCount > 0 ? Us(99.9) : 0, busy);
            return (point, LoadSweep.MeetsServiceLevel(combined, sweep));
        }
        catch (Core.RfException e)
        {
            session.Note($"{system}: load sweep at {rate:0} req/s: {e.Message}; the sweep stopped there.");
            return null;
        }
    }

    private BenchRun Document(MachineInfo machine, ColocateSettings settings, int cpus, IReadOnlyList<string> systems, IReadOnlyList<string> scenarios,
        Dictionary<(string System, string Scenario), Measurement> runs, IReadOnlyList<LoadCurve> curves)
    {
        static string F(double? v) => v is { } x && double.IsFinite(x) ? x.ToString(Math.Abs(x) >= 100 ? "0" : "0.#", CultureInfo.InvariantCulture) : "–";
        List<LatencySeries> latencies = [];
        List<IReadOnlyList<string>> rows = [];
        foreach (var scenario in scenarios)
        {
            foreach (var system in systems)
            {
                if (!runs.TryGetValue((system, scenario), out var m))
                {
                    rows.Add([system, scenario, "–", "–", "–", "–", "–", "–", "–", "not measured"]);
                    continue;
                }

                var group = scenario == Alone ? "memcached alone" : $"memcached next to {scenario}";
                var series = LatencyHistograms.ToSeries(HistogramCodec.Decode(m.Load.Histogram), system, group, group) with { OpsPerSecond = m.Load.Throughput };
                latencies.Add(series);
                var alone = runs.GetValueOrDefault((system, Alone));
                var slowdown = alone is not null && scenario != Alone && alone.Load.P99Us > 0 ? (m.Load.P99Us / alone.Load.P99Us - 1) * 100 : (double?)null;
                rows.Add([system, scenario, F(m.Load.P50Us), F(m.Load.P99Us), F(m.Load.P999Us), F(m.Load.Throughput), F(slowdown),
                    (m.Load.Errors + m.Load.Timeouts).ToString(CultureInfo.InvariantCulture), F(m.BatchThroughput),
                    m.Busy is { } b ? (b * 100).ToString("0", CultureInfo.InvariantCulture) + "%" : "–"]);
            }
        }

        var batchNames = scenarios.Where(s => s != Alone).ToList();
        var bars = batchNames.Count == 0 ? new List<BarChart>() :
        [
            new BarChart
            {
                Title = "p99 latency of memcached next to each batch job, relative to alone",
                ValueAxis = "p99 slowdown (%)",
                Categories = batchNames,
                Series = [.. systems.Select(system => new BarSeries(system, [.. batchNames.Select(b =>
                    runs.GetValueOrDefault((system, b)) is { } m && runs.GetValueOrDefault((system, Alone)) is { } a && a.Load.P99Us > 0
                        ? (m.Load.P99Us / a.Load.P99Us - 1) * 100
                        : (double?)null)]))],
            },
        ];

        List<IReadOnlyList<string>> knees = [];
        foreach (var curve in curves)
        {
            var knee = curve.MaxRateWithin(settings.P99LimitUs);
            var tried = curve.Points.Max(p => p.OfferedRate);
            knees.Add([curve.System, F(knee), F(tried), F(settings.P99LimitUs)]);
        }

        List<ResultTable> tables =
        [
            new ResultTable
            {
                Title = "memcached next to batch jobs (cf. Table 5)",
                Columns = ["system", "batch", "p50 (µs)", "p99 (µs)", "p99.9 (µs)", "throughput (req/s)", "p99 vs alone (%)", "errors + timeouts", "batch throughput", "machine CPU busy"],
                Rows = rows,
            },
        ];
        if (knees.Count > 0)
        {
            tables.Add(new ResultTable
            {
                Title = "Load sweep: highest total rate whose p99 stays within the limit (cf. Fig. 8)",
                Columns = ["system", "highest rate within limit (req/s)", "highest rate tried (req/s)", "p99 limit (µs)"],
                Rows = knees,
            });
        }

        return new BenchRun
        {
            Experiment = Name,
            Title = "memcached colocated with batch jobs",
            Paper = "Fig. 8, Fig. 9, Table 5",
            Description =
                $"Two instances with {cpus} CPU(s) each. memcached ({cpus} thread(s), {ColocateSettings.MemcachedMegabytes} MB) serves in the first; each batch job in turn runs in the second " +
                $"(started {settings.Ramp.TotalMilliseconds:0} ms before the load, stopped after it). rf-loadgen offers {settings.Rate:0} req/s open loop (Poisson arrivals, 90% get, 10% set, " +
                $"{settings.KeySpace} keys preloaded, 100-byte values, {settings.Connections} connections) for {BenchSession.Seconds(settings.Duration)} after {BenchSession.Seconds(settings.Warmup)} of warm-up; " +
                "latency counts from each request's intended send time (no coordinated omission). " +
                "The load sweep runs a second memcached in the second instance and splits each total rate evenly over two load generators, one per instance, " +
                $"until two rates past the first that misses the service level (p99 below {settings.P99LimitUs:0} µs, 95% of the offered rate answered, at most 1% failures). " +
                "Batch throughput is the batch job's own rate while next to memcached (stress-ng bogo ops/s, iperf3 Gbit/s); machine CPU busy is the whole machine's.",
            Parameters = new Dictionary<string, string>
            {
                ["instance"] = $"{cpus} CPU(s), {ColocateSettings.InstanceMemory}",
                ["offered rate"] = $"{settings.Rate:0} req/s",
                ["duration"] = BenchSession.Seconds(settings.Duration),
                ["warm-up"] = BenchSession.Seconds(settings.Warmup),
                ["connections"] = settings.Connections.ToString(CultureInfo.InvariantCulture),
                ["batches"] = string.Join(", ", batchNames),
                ["sweep rates (total req/s)"] = string.Join(", ", settings.SweepRates.Select(r => r.ToString("0", CultureInfo.InvariantCulture))),
                ["sweep duration per rate"] = BenchSession.Seconds(settings.SweepDuration),
                [ResultStore.P99LimitParameter] = settings.P99LimitUs.ToString("0", CultureInfo.InvariantCulture),
            },
            Notes =
            [
                "The load generator runs on the host, not in an instance: for cell and lxc inside the server's network namespace (nsenter -n), for linux on the host's loopback. " +
                "On every system it may run on any CPU, the server's included, and it competes with both instances for this machine's two cores.",
            ],
            Machine = machine,
            Latencies = latencies,
            LoadCurves = curves,
            Tables = tables,
            Bars = bars,
        };
    }

    private sealed record Measurement(LoadResult Load, double? BatchThroughput, double? Busy);
}
