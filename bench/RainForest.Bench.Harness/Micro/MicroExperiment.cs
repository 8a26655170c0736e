using System.Globalization;
using System.Text.Json;
using RainForest.Bench.Contracts;
using RainForest.Bench.Harness.Programs;
using RainForest.Bench.Harness.Systems;
using RainForest.Bench.Harness.Tools;
using RainForest.Bench.Report;

namespace RainForest.Bench.Harness.Micro;

/// <summary>
/// Kernel micro-benchmarks in the style of will-it-scale (paper Fig. 3a and 6): N worker processes repeat one
/// operation (mmap/munmap of a 128 MB file, malloc/free, open/close on tmpfs, page faults) and record each
/// operation's latency. On plain Linux the N processes run unpinned on the whole machine; on cells and LXC each
/// runs in an instance of its own with one CPU. The workers start together on a wall-clock barrier.
/// </summary>
internal sealed class MicroExperiment : Experiment
{
    /// <inheritdoc />
    public override string Name => BenchHarness.Micro;

    /// <inheritdoc />
    public override async Task<BenchRun> RunAsync(BenchSession session)
    {
        await session.EnsureAsync([Requirement.Timeout]).ConfigureAwait(false);
        var worker = ToolPaths.Worker;
        using var set = await SystemSet.OpenAsync(session).ConfigureAwait(false);
        var settings = MicroSettings.For(session.Options, set.PartitionableCpus);
        var instances = new Dictionary<BenchSystem, List<BenchInstance>>();
        foreach (var system in set.Systems)
        {
            instances[system] = [.. Enumerable.Range(0, settings.Workers).Select(i => system.CreateInstance($"micro-{i}", 1, MicroSettings.InstanceMemory))];
        }

        List<LatencySeries> series = [];
        List<IReadOnlyList<string>> placement = [];
        foreach (var op in settings.Ops)
        {
            var done = 0;
            foreach (var system in set.Systems)
            {
                session.Cancellation.ThrowIfCancellationRequested();
                session.Progress($"micro: {op}", (double)done / set.Systems.Count);
                var results = await MeasureAsync(session, worker, op, settings, system, instances[system]).ConfigureAwait(false);
                if (results.Count == settings.Workers)
                {
                    series.Add(LatencyHistograms.FromWorkers(results, system.Name, $"{op}, {settings.Workers} workers", op));
                    if (op == settings.Ops[0])
                    {
                        placement.AddRange(results.Select(r => (IReadOnlyList<string>)
                            [system.Name, r.Label ?? "", r.AllowedCpus, r.CpuAtStart.ToString(CultureInfo.InvariantCulture), r.CpuAtEnd.ToString(CultureInfo.InvariantCulture), r.Hostname, CpusetGroup(r.Cgroup)]));
                    }

                    var lag = results.Max(r => r.StartLagMs ?? 0);
                    if (lag > 50)
                    {
                        session.Note($"{system.Name}: micro {op}: a worker began measuring {lag:0} ms after the shared start time (slow start-up), so the workers overlapped only partly.");
                    }
                }

                done++;
            }

            session.Progress($"micro: {op}", 1);
        }

        var run = new BenchRun
        {
            Experiment = Name,
            Title = "Kernel micro-benchmarks (will-it-scale style)",
            Paper = "Fig. 3a, Fig. 6",
            Description =
                $"{settings.Workers} worker processes (rf-bench-worker) repeat one operation for {BenchSession.Seconds(settings.Duration)} after {BenchSession.Seconds(settings.Warmup)} " +
                "of unrecorded warm-up and record each operation's latency in an HdrHistogram; the workers' histograms are merged. " +
                "mmap: map a 128 MB tmpfs file privately and unmap it; malloc: glibc malloc and free of 128 MB; openclose: open and close one tmpfs file; " +
                "pagefault: touch every page of a fresh 128 MB anonymous mapping (one fault per page). " +
                "On linux the workers are plain processes that the scheduler places anywhere; on cell and lxc each worker runs in its own instance of one CPU, " +
                "as the paper places one process per OS instance.",
            Parameters = new Dictionary<string, string>
            {
                ["workers"] = settings.Workers.ToString(CultureInfo.InvariantCulture),
                ["duration per op and system"] = BenchSession.Seconds(settings.Duration),
                ["warm-up"] = BenchSession.Seconds(settings.Warmup),
                ["size"] = settings.Size,
                ["instance"] = $"1 CPU, {MicroSettings.InstanceMemory}",
                ["ops"] = string.Join(", ", settings.Ops),
            },
            Machine = session.Machine,
            Latencies = series,
            Bars = series.Count == 0 ? [] :
            [
                BarChart.FromLatencies("Mean latency by operation", series, LatencyStat.Mean, TimeUnit.Microseconds),
                BarChart.FromLatencies("Maximum latency by operation", series, LatencyStat.Max, TimeUnit.Microseconds),
            ],
            Tables = placement.Count == 0 ? [] :
            [
                new ResultTable
                {
                    Title = $"Where the workers ran ({settings.Ops[0]})",
                    Columns = ["system", "worker", "allowed CPUs", "CPU at start", "CPU at end", "host name seen", "cpuset cgroup seen"],
                    Rows = placement,
                },
            ],
        };
        return session.Complete(run, set.Names);
    }

    /// <summary>The cpuset (v1) or unified (v2) line of a worker's /proc/self/cgroup, as the worker saw it.</summary>
    internal static string CpusetGroup(string? cgroup)
    {
        var entries = (cgroup ?? "").Split([';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = entries.FirstOrDefault(e => e.Contains(":cpuset:", StringComparison.Ordinal)) ?? entries.FirstOrDefault(e => e.StartsWith("0::", StringComparison.Ordinal));
        return line is null ? "" : line[(line.LastIndexOf(':') + 1)..];
    }

    private static async Task<List<MicroResult>> MeasureAsync(BenchSession session, string worker, string op, MicroSettings settings, BenchSystem system, List<BenchInstance> instances)
    {
        // Every worker waits for the same wall-clock instant after its warm-up: long enough for the slowest start.
        var lead = TimeSpan.FromSeconds(session.Mode == BenchMode.Smoke ? 1.5 : 2) + settings.Warmup;
        var startAt = DateTimeOffset.UtcNow + lead;
        var limit = lead + settings.Warmup + settings.Duration + TimeSpan.FromSeconds(30);
        var programs = instances.Select(instance =>
        {
            List<string> argv =
            [
                worker, "micro", "--op", op,
                "--seconds", settings.Duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture),
                "--warmup", settings.Warmup.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture),
                "--size", settings.Size,
                "--start-at", startAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
                "--label", $"{system.Name}/{instance.Name}",
                "--json",
            ];
            if (op is "mmap" or "openclose")
            {
                // The same file system for every system: tmpfs (a cell's own /dev/shm, else a directory on the host's).
                argv.AddRange(["--tmpdir", instance.ScratchDirectory]);
            }

            return instance.Start(new ProgramSpec(argv, limit));
        }).ToList();

        var outcomes = await Task.WhenAll(programs.Select(p => p.WaitAsync(session.Cancellation))).ConfigureAwait(false);
        List<MicroResult> results = [];
        foreach (var outcome in outcomes)
        {
            if (outcome.ExitCode != 0)
            {
                session.Note($"{system.Name}: micro {op}: a worker exited with {outcome.ExitCode}: {outcome.FirstErrorLine()}; this op is not reported for {system.Name}.");
                continue;
            }

            try
            {
                results.Add(MicroResult.FromJson(outcome.Stdout));
            }
            catch (JsonException e)
            {
                session.Note($"{system.Name}: micro {op}: a worker printed no result ({e.Message}); this op is not reported for {system.Name}.");
            }
        }

        return results;
    }
}
