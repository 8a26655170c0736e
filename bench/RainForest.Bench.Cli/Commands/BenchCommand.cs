using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RainForest.Bench.Harness;
using RainForest.Bench.Harness.Lifecycle;
using RainForest.Bench.Report;
using RainForest.Cli;
using RainForest.Core;
using Spectre.Console;

namespace RainForest.Bench.Cli.Commands;

/// <summary><c>rfm bench EXPERIMENT</c>: reproduces the paper's experiments on this machine.</summary>
/// <remarks>
/// micro, interference, colocate and all set up their own systems (a temporary supervisor for the cells, LXC
/// containers where installed) and remove them again; lifecycle measures the supervisor of the state directory,
/// as it always did. Every experiment writes EXPERIMENT.json into the results directory, from which
/// <c>rfm bench report</c> renders report.md and its plots.
/// </remarks>
internal static class BenchCommand
{
    /// <summary>The experiments, <c>all</c> and <c>report</c>.</summary>
    public static IEnumerable<Command> Build() =>
    [
        BuildExperiment(BenchHarness.Micro, "Kernel micro-benchmarks: mmap, malloc, open, page faults (paper Fig. 3a, 6)", "--ops", "micro-benchmarks (mmap, mmap-anon, malloc, openclose, pagefault)"),
        BuildExperiment(BenchHarness.Interference, "Interference matrix of CPU, cache, memory, file and network stressors (paper Fig. 7)", "--stressors", "stressors (cpu, cache, membw, fileio, net)"),
        BuildExperiment(BenchHarness.Colocate, "memcached next to batch jobs, and a load sweep (paper Fig. 8, 9, Table 5)", "--batches", "batch jobs (cpu, cache, membw, fileio, net)"),
        BuildLifecycle(),
        BuildAll(),
        BuildReport(),
    ];

    private static Option<bool> Quick() => new("--quick") { Description = "Short runs: at most about 3 minutes per experiment on 2 cores" };

    private static Option<bool> Smoke() => new("--smoke") { Description = "Seconds per experiment: checks the plumbing, not the numbers" };

    private static Option<string?> Systems() => new("--systems") { Description = $"Systems to compare, comma-separated (default: linux,cell and lxc where installed)" };

    private static Option<string?> Out() => new("--out") { Description = $"Results directory (default {ResultStore.DefaultDirectory}, or ${ResultStore.Variable})" };

    private static Option<bool> NoInstall() => new("--no-install") { Description = "Do not install missing Debian packages (stress-ng, iperf3, memcached, lxc)" };

    private static Command BuildExperiment(string name, string description, string workloadsOption, string workloadsDescription)
    {
        var quick = Quick();
        var smoke = Smoke();
        var systems = Systems();
        var output = Out();
        var noInstall = NoInstall();
        var json = Globals.Json();
        var seconds = new Option<double?>("--seconds") { Description = "Length of each measurement, seconds (overrides the mode's)" };
        var workloads = new Option<string?>(workloadsOption) { Description = $"Comma-separated {workloadsDescription}" };
        var command = new Command(name, description) { quick, smoke, systems, output, noInstall, seconds, workloads, json };
        Option<int?>? workers = null;
        Option<double?>? rate = null;
        if (name == BenchHarness.Micro)
        {
            workers = new Option<int?>("--workers") { Description = "Worker processes, each in an instance of one CPU (default: as many as CPUs)" };
            command.Options.Add(workers);
        }

        if (name == BenchHarness.Colocate)
        {
            rate = new Option<double?>("--rate") { Description = "Offered load of the colocation runs, requests per second" };
            command.Options.Add(rate);
        }

        command.SetAction(parse =>
        {
            var duration = parse.GetValue(seconds);
            if (duration is <= 0)
            {
                throw RfException.Invalid("--seconds must be positive");
            }

            var options = new BenchOptions
            {
                Mode = Mode(parse, quick, smoke),
                Systems = List(parse.GetValue(systems)),
                Install = !parse.GetValue(noInstall),
                CommandLine = CommandLine(),
                Duration = duration is { } d ? TimeSpan.FromSeconds(d) : null,
                Workloads = List(parse.GetValue(workloads)),
                Workers = workers is null ? null : parse.GetValue(workers),
                Rate = rate is null ? null : parse.GetValue(rate),
            };
            var asJson = parse.GetValue(json);
            var run = BenchConsole.Run(asJson || Console.IsOutputRedirected, (observer, token) => BenchHarness.RunAsync(name, options, observer, token));
            var path = ResultStore.Save(run, ResultStore.Resolve(parse.GetValue(output)));
            if (asJson)
            {
                Console.Out.WriteLine(BenchJson.Serialize(run));
                return 0;
            }

            BenchPrinter.Print(run);
            Console.WriteLine($"results: {path} (rfm bench report renders report.md with plots)");
            return 0;
        });
        return command;
    }

    private static Command BuildAll()
    {
        var quick = Quick();
        var smoke = Smoke();
        var systems = Systems();
        var output = Out();
        var noInstall = NoInstall();
        var command = new Command("all", "Run micro, interference, colocate and lifecycle, then render the report") { quick, smoke, systems, output, noInstall };
        command.SetAction(parse =>
        {
            var options = new BenchOptions
            {
                Mode = Mode(parse, quick, smoke),
                Systems = List(parse.GetValue(systems)),
                Install = !parse.GetValue(noInstall),
                CommandLine = CommandLine(),
            };
            var directory = ResultStore.Resolve(parse.GetValue(output));
            var failed = 0;
            foreach (var experiment in BenchHarness.Experiments)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                try
                {
                    var run = BenchConsole.Run(Console.IsOutputRedirected, (observer, token) => BenchHarness.RunAsync(experiment, options, observer, token));
                    ResultStore.Save(run, directory);
                    BenchPrinter.Print(run);
                    Console.WriteLine($"{experiment}: {clock.Elapsed.TotalSeconds:0} s");
                }
                catch (RfException e) when (e.ExitCode == RfException.FailureExitCode && !e.Message.StartsWith("interrupted", StringComparison.Ordinal))
                {
                    // One experiment failing does not hide the others' results; the exit code says it happened.
                    Console.Error.WriteLine($"rfm: {experiment} failed: {e.Message}");
                    failed++;
                }
            }

            var report = ResultStore.WriteReport(directory, directory);
            Console.WriteLine($"report: {report.MarkdownPath} ({report.PlotPaths.Count} plots)");
            return failed == 0 ? 0 : RfException.FailureExitCode;
        });
        return command;
    }

    private static Command BuildReport()
    {
        var dir = new Option<string?>("--dir") { Description = $"Results directory to read (default {ResultStore.DefaultDirectory}, or ${ResultStore.Variable})" };
        var output = new Option<string?>("--out") { Description = "Where report.md and plots/ go (default: the results directory)" };
        var command = new Command("report", "Render report.md and PNG plots from the results of rfm bench") { dir, output };
        command.SetAction(parse =>
        {
            var directory = ResultStore.Resolve(parse.GetValue(dir));
            var report = ResultStore.WriteReport(directory, parse.GetValue(output) is { } o ? Path.GetFullPath(o) : directory);
            Console.WriteLine($"report: {report.MarkdownPath} ({report.PlotPaths.Count} plots)");
            return 0;
        });
        return command;
    }

    private static Command BuildLifecycle()
    {
        var repetitions = new Option<int?>("--repetitions", "-r") { Description = "Repetitions of each operation (default 100; --quick 20, --smoke 2)" };
        var quick = Quick();
        var smoke = Smoke();
        var output = Out();
        var json = Globals.Json();
        var backend = new Option<string>("--backend")
        {
            Description = "cell (the default), kernel, or cell,kernel: kernel subOSes under QEMU, rows marked TCG or KVM (default repetitions 5; --quick 3, --smoke 1)",
            DefaultValueFactory = _ => SystemNames.Cell,
        };
        var command = new Command("lifecycle", "Create, destroy and resize latency of the state directory's supervisor (paper Table 4)") { repetitions, quick, smoke, output, json, backend };
        command.SetAction(parse =>
        {
            var mode = Mode(parse, quick, smoke);
            var backends = parse.GetValue(backend)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (backends.Length == 0 || backends.Any(b => b is not (SystemNames.Cell or SystemNames.Kernel)))
            {
                throw RfException.Invalid($"--backend {parse.GetValue(backend)}: cell, kernel or cell,kernel");
            }

            var count = parse.GetValue(repetitions) ?? mode switch
            {
                BenchMode.Smoke => 2,
                BenchMode.Quick => 20,
                _ => 100,
            };

            // A kernel subOS under TCG takes seconds to boot: far fewer repetitions unless -r says otherwise.
            var kernelCount = parse.GetValue(repetitions) ?? mode switch
            {
                BenchMode.Smoke => 1,
                BenchMode.Quick => 3,
                _ => 5,
            };
            if (count < 1)
            {
                throw RfException.Invalid("--repetitions must be at least 1");
            }

            var cells = backends.Contains(SystemNames.Cell);
            var kernels = backends.Contains(SystemNames.Kernel);

            var started = DateTimeOffset.UtcNow;
            using var supervisor = Globals.Open(parse);
            IReadOnlyList<LifecycleResult> results = [];
            var quiet = parse.GetValue(json) || Console.IsErrorRedirected;
            IReadOnlyList<LifecycleResult> Measure(Action<string, double> progress) =>
            [
                .. cells ? new LifecycleBenchmark(supervisor, count, progress).Run() : [],
                .. kernels ? new KernelLifecycleBenchmark(supervisor, kernelCount, progress).Run() : [],
            ];
            if (quiet)
            {
                results = Measure((_, _) => { });
            }
            else
            {
                AnsiConsole.Progress().Start(ctx =>
                {
                    var tasks = new Dictionary<string, ProgressTask>();
                    results = Measure((phase, fraction) =>
                    {
                        if (!tasks.TryGetValue(phase, out var task))
                        {
                            task = tasks[phase] = ctx.AddTask(phase, maxValue: 1);
                        }

                        task.Value = fraction;
                    });
                });
            }

            // LXC side by side where it is installed: containers on one CPU, started and destroyed (paper Table 4).
            IReadOnlyList<Report.TableRow> lxc = cells && LifecycleRuns.LxcInstalled
                ? LifecycleRuns.MeasureLxc($"lc{Environment.ProcessId}", Math.Min(count, 10), _ => { }, CancellationToken.None)
                : [];
            var machine = MachineInfo.Detect();
            var header = new BenchRun
            {
                Experiment = BenchHarness.Lifecycle,
                Machine = machine,
                Mode = mode,
                StartedUtc = started,
                FinishedUtc = DateTimeOffset.UtcNow,
                CommandLine = CommandLine(),
                Systems = [.. results.Select(r => r.System).Distinct(), .. lxc.Count > 0 ? [SystemNames.Lxc] : Array.Empty<string>()],
                Parameters = new Dictionary<string, string> { ["state directory"] = supervisor.State.Path, ["backend"] = string.Join(',', backends) },
                Notes = [$"Measured on the supervisor of {supervisor.State.Path} ({machine.CgroupMode} cgroups)."],
            };
            var run = LifecycleRuns.ToBenchRun(results, cells ? count : kernelCount, header);
            var path = ResultStore.Save(run with { Rows = [.. run.Rows, .. lxc] }, ResultStore.Resolve(parse.GetValue(output)));
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(
                    new LifecycleReport
                    {
                        Repetitions = cells ? count : kernelCount,
                        Machine = Environment.MachineName,
                        Cgroup = machine.CgroupMode,
                        Results = results,
                        Lxc = lxc,
                        LxcNotMeasured = lxc.Count > 0 ? null : cells ? "lxc is not installed (apt-get install lxc)" : "lxc is measured beside cells only",
                    },
                    BenchCliJsonContext.Default.LifecycleReport));
                return 0;
            }

            var table = Output.Table("operation", "n", "median ms", "p99 ms", "max ms", "target ms", "paper RainForest ms", "paper LXC ms");
            foreach (var r in results)
            {
                table.AddRow(r.System == SystemNames.Cell ? r.Operation : $"{r.System} {r.Operation}", $"{r.Samples}", Ms(r.MedianMs, r.Samples), Ms(r.P99Ms, r.Samples), Ms(r.MaxMs, r.Samples), Opt(r.TargetMs), Opt(r.PaperRainForestMs), Opt(r.PaperLxcMs));
            }

            foreach (var r in lxc)
            {
                table.AddRow("lxc " + r.Operation, $"{r.Count}", Ms(r.Median, r.Count ?? 0), Ms(r.P99 ?? 0, r.Count ?? 0), "-", "-", "-", Opt(r.PaperValue));
            }

            Output.Write(table);
            foreach (var r in results.Where(r => r.Samples == 0))
            {
                Console.WriteLine($"{r.Operation}: {r.Note}");
            }

            if (kernels)
            {
                foreach (var r in results.Where(r => r.System != SystemNames.Cell && r.Samples > 0))
                {
                    Console.WriteLine($"{r.System} {r.Operation}: {r.Note}");
                }

                Console.WriteLine($"kernel rows: {kernelCount} repetition(s) each; TCG emulates the guest's CPU (KVM targets: create under 300 ms, a CPU change under 70 ms).");
            }

            Console.WriteLine(lxc.Count > 0
                ? "paper: Table 4 (2.6.32 kernel patches, S-A server); lxc rows: lxc-execute containers on this machine, same run."
                : cells ? "paper: Table 4 (2.6.32 kernel patches, S-A server); LXC not measured: lxc is not installed (apt-get install lxc)."
                : "paper: Table 4 (2.6.32 kernel patches, S-A server); LXC is measured beside cells only.");
            Console.WriteLine($"results: {path} (rfm bench report renders report.md with plots)");
            return 0;
        });
        return command;
    }

    private static BenchMode Mode(ParseResult parse, Option<bool> quick, Option<bool> smoke)
    {
        var (q, s) = (parse.GetValue(quick), parse.GetValue(smoke));
        if (q && s)
        {
            throw RfException.Invalid("--quick and --smoke exclude each other");
        }

        return s ? BenchMode.Smoke : q ? BenchMode.Quick : BenchMode.Full;
    }

    private static List<string>? List(string? text) =>
        text is null ? null : [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    // rfm runs rf-bench with the arguments that followed "bench".
    private static string CommandLine() => "rfm bench " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1));

    private static string Ms(double value, int samples) => samples == 0 ? "-" : value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Opt(double? value) => value?.ToString("0.##", CultureInfo.InvariantCulture) ?? "-";
}
