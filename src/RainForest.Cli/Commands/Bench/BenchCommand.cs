using System.CommandLine;
using System.Globalization;
using RainForest.Supervisor.Bench;
using Spectre.Console;

namespace RainForest.Cli.Commands.Bench;

/// <summary><c>rfm bench EXPERIMENT</c>: reproduces the paper's experiments on this machine.</summary>
internal static class BenchCommand
{
    public static Command Build()
    {
        var bench = new Command("bench", "Run an experiment of the paper's evaluation on this machine");
        bench.Subcommands.Add(BuildLifecycle());
        return bench;
    }

    private static Command BuildLifecycle()
    {
        var repetitions = new Option<int>("--repetitions", "-r") { Description = "Repetitions of each operation", DefaultValueFactory = _ => 100 };
        var json = Globals.Json();
        var command = new Command("lifecycle", "Create, destroy and resize latency (paper Table 4)") { repetitions, json };
        command.SetAction(parse =>
        {
            var count = parse.GetValue(repetitions);
            if (count < 1)
            {
                throw Core.RfException.Invalid("--repetitions must be at least 1");
            }

            using var supervisor = Globals.Open(parse);
            IReadOnlyList<LifecycleResult> results = [];
            var quiet = parse.GetValue(json) || Console.IsErrorRedirected;
            if (quiet)
            {
                results = new LifecycleBenchmark(supervisor, count, (_, _) => { }).Run();
            }
            else
            {
                AnsiConsole.Progress().Start(ctx =>
                {
                    var tasks = new Dictionary<string, ProgressTask>();
                    results = new LifecycleBenchmark(supervisor, count, (phase, fraction) =>
                    {
                        if (!tasks.TryGetValue(phase, out var task))
                        {
                            task = tasks[phase] = ctx.AddTask(phase, maxValue: 1);
                        }

                        task.Value = fraction;
                    }).Run();
                });
            }

            if (parse.GetValue(json))
            {
                Output.Json(new { Experiment = "lifecycle", Repetitions = count, Machine = Environment.MachineName, Cgroup = supervisor.Cgroups.Layout.ModeName, Results = results, Lxc = "not measured: LXC side by side is not implemented yet" });
                return 0;
            }

            var table = Output.Table("operation", "n", "median ms", "p99 ms", "max ms", "target ms", "paper RainForest ms", "paper LXC ms");
            foreach (var r in results)
            {
                table.AddRow(r.Operation, $"{r.Samples}", Ms(r.MedianMs, r.Samples), Ms(r.P99Ms, r.Samples), Ms(r.MaxMs, r.Samples), Opt(r.TargetMs), Opt(r.PaperRainForestMs), Opt(r.PaperLxcMs));
            }

            Output.Write(table);
            foreach (var r in results.Where(r => r.Samples == 0))
            {
                Console.WriteLine($"{r.Operation}: {r.Note}");
            }

            Console.WriteLine("paper: Table 4 (2.6.32 kernel patches, S-A server); LXC side by side is not measured yet.");
            return 0;
        });
        return command;
    }

    private static string Ms(double value, int samples) => samples == 0 ? "-" : value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Opt(double? value) => value?.ToString("0.##", CultureInfo.InvariantCulture) ?? "-";
}
