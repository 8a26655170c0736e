using System.Globalization;
using RainForest.Bench.Harness.Systems;
using RainForest.Bench.Report;

namespace RainForest.Bench.Harness.Interference;

/// <summary>
/// The interference matrix (paper Fig. 7): two instances with half the CPUs each; a foreground stressor runs in
/// one, alone and then next to each background stressor in the other, and its slowdown against running alone is
/// reported per system. On plain Linux the two "instances" are two unpinned sets of processes.
/// </summary>
internal sealed class InterferenceExperiment : Experiment
{
    /// <inheritdoc />
    public override string Name => BenchHarness.Interference;

    /// <inheritdoc />
    public override async Task<BenchRun> RunAsync(BenchSession session)
    {
        var settings = InterferenceSettings.For(session.Options);
        var missing = await session.EnsureAsync([Tools.Requirement.Timeout, .. settings.Foregrounds.Select(s => s.Requirement)]).ConfigureAwait(false);
        var stressors = settings.Foregrounds.Where(s => !missing.Contains(s.Requirement)).ToList();
        using var set = await SystemSet.OpenAsync(session).ConfigureAwait(false);
        var cpus = Math.Max(1, set.PartitionableCpus / 2);
        if (set.PartitionableCpus < 2)
        {
            throw Core.RfException.Invalid($"the interference experiment needs two instances of at least one CPU; {set.PartitionableCpus} CPU(s) can be partitioned");
        }

        var pairs = set.Systems.ToDictionary(s => s.Name, s => (Fg: s.CreateInstance("fg", cpus, InterferenceSettings.InstanceMemory), Bg: s.CreateInstance("bg", cpus, InterferenceSettings.InstanceMemory)));
        var solo = new Dictionary<(string System, string Fg), double?>();
        var corun = new Dictionary<(string System, string Fg, string Bg), double?>();
        var limit = TimeSpan.FromSeconds(settings.Seconds) + settings.Ramp + TimeSpan.FromSeconds(30);
        var total = stressors.Count * (stressors.Count + 1) * set.Systems.Count;
        var done = 0;
        foreach (var fg in stressors)
        {
            foreach (var bg in new Stressor?[] { null }.Concat(stressors))
            {
                foreach (var system in set.Systems)
                {
                    session.Cancellation.ThrowIfCancellationRequested();
                    session.Progress("interference", (double)done++ / total);
                    var (fgInstance, bgInstance) = pairs[system.Name];
                    var value = await MeasureAsync(session, system.Name, fg, bg, fgInstance, bgInstance, settings, limit).ConfigureAwait(false);
                    if (bg is null)
                    {
                        solo[(system.Name, fg.Name)] = value;
                    }
                    else
                    {
                        corun[(system.Name, fg.Name, bg.Name)] = value;
                    }
                }
            }
        }

        session.Progress("interference", 1);
        return session.Complete(Build(settings, stressors, set.Names, solo, corun, cpus, session.Machine), set.Names);
    }

    /// <summary>The slowdown in percent: how much longer the foreground's work took next to the background.</summary>
    /// <remarks>Throughput is work per second, so time per unit of work is its inverse: solo / co-run - 1.</remarks>
    internal static double? Slowdown(double? solo, double? corun) =>
        solo is > 0 && corun is > 0 ? (solo.Value / corun.Value - 1) * 100 : null;

    private static async Task<double?> MeasureAsync(BenchSession session, string system, Stressor fg, Stressor? bg, BenchInstance fgInstance, BenchInstance bgInstance,
        InterferenceSettings settings, TimeSpan limit)
    {
        var what = bg is null ? $"{fg.Name} alone" : $"{fg.Name} next to {bg.Name}";
        StressorProcess? background = null;
        try
        {
            if (bg is not null)
            {
                // The background outlasts the foreground by a margin and is stopped when the foreground is done.
                background = await StressorProcess.StartAsync(bg, bgInstance, settings.Seconds + 10, limit, session.Cancellation).ConfigureAwait(false);
                await Task.Delay(settings.Ramp, session.Cancellation).ConfigureAwait(false);
            }

            var foreground = await StressorProcess.StartAsync(fg, fgInstance, settings.Seconds, limit, session.Cancellation).ConfigureAwait(false);
            var outcome = await foreground.WaitAsync(session.Cancellation).ConfigureAwait(false);
            if (outcome.Failure is not null)
            {
                session.Note($"{system}: interference {what}: {outcome.Failure}; the cell is left empty.");
            }

            return outcome.Value;
        }
        catch (Core.RfException e)
        {
            session.Note($"{system}: interference {what}: {e.Message}; the cell is left empty.");
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

    private BenchRun Build(InterferenceSettings settings, IReadOnlyList<Stressor> stressors, IReadOnlyList<string> systems,
        Dictionary<(string System, string Fg), double?> solo, Dictionary<(string System, string Fg, string Bg), double?> corun, int cpus, MachineInfo machine)
    {
        var labels = stressors.Select(s => s.Name).ToList();
        var matrices = systems.Select(system => new Matrix
        {
            Title = "Interference slowdown",
            System = system,
            RowAxis = "foreground",
            ColumnAxis = "background",
            RowLabels = labels,
            ColumnLabels = labels,
            Values = [.. stressors.Select(fg => (IReadOnlyList<double?>)[.. stressors.Select(bg =>
                Slowdown(solo.GetValueOrDefault((system, fg.Name)), corun.GetValueOrDefault((system, fg.Name, bg.Name))))])],
        }).ToList();

        static string F(double? v) => v is { } x ? x.ToString(x >= 100 ? "0" : "0.##", CultureInfo.InvariantCulture) : "–";
        var soloTable = new ResultTable
        {
            Title = "Foreground throughput alone and next to each background",
            Columns = ["foreground", "unit", "system", "alone", .. stressors.Select(s => $"next to {s.Name}")],
            Rows = [.. stressors.SelectMany(fg => systems.Select(system => (IReadOnlyList<string>)
                [fg.Name, fg.Unit, system, F(solo.GetValueOrDefault((system, fg.Name))), .. stressors.Select(bg => F(corun.GetValueOrDefault((system, fg.Name, bg.Name))))]))],
        };

        var means = new BarChart
        {
            Title = "Mean slowdown of each foreground over all backgrounds",
            ValueAxis = "slowdown (%)",
            Categories = labels,
            Series = [.. systems.Select((system, i) => new BarSeries(system, [.. matrices[i].Values.Select(row =>
                row.Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(double.NaN).Average() is var m && double.IsFinite(m) ? m : (double?)null)]))],
        };

        return new BenchRun
        {
            Experiment = Name,
            Title = "Performance interference between two instances",
            Paper = "Fig. 7",
            Description =
                $"Two instances with {cpus} CPU(s) each (cells: two subOSes; lxc: two containers; linux: two sets of processes that the scheduler places anywhere). " +
                $"A foreground stressor runs for {settings.Seconds} s in the first, alone and then next to each background stressor in the second " +
                $"(started {settings.Ramp.TotalMilliseconds:0} ms earlier and stopped after the foreground ended). " +
                "Slowdown = (throughput alone / throughput next to the background - 1) x 100: how much longer the foreground's work took. " +
                "Negative values mean the foreground ran faster than alone (noise, or turbo and cache effects). " +
                "Stressors: " + string.Join("; ", stressors.Select(s => $"{s.Name}: {s.Description}")) + ".",
            Parameters = new Dictionary<string, string>
            {
                ["instance"] = $"{cpus} CPU(s), {InterferenceSettings.InstanceMemory}",
                ["foreground duration"] = $"{settings.Seconds} s",
                ["background head start"] = BenchSession.Seconds(settings.Ramp),
                ["stressors"] = string.Join(", ", labels),
                ["repetitions"] = "1 (each cell measured once; systems interleaved per cell)",
            },
            Machine = machine,
            Matrices = matrices,
            Tables = [soloTable],
            Bars = [means],
        };
    }
}
