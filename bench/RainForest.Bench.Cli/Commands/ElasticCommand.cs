using System.CommandLine;
using RainForest.Bench.Harness;
using RainForest.Bench.Harness.Elastic;
using RainForest.Bench.Report;
using RainForest.Cli;
using RainForest.Core;

namespace RainForest.Bench.Cli.Commands;

/// <summary>
/// <c>rfm bench elastic</c>: the agility experiment (paper Fig. 10, Fig. 11, Table 5) on this machine, or with
/// <c>--simulate</c> on the controller's queueing model of a machine of any size.
/// </summary>
/// <remarks>
/// Like colocate it makes a temporary supervisor of its own for the subOSes and removes it again, also on failure,
/// Ctrl-C and SIGTERM; the state directory's supervisor is not touched and need not exist.
/// </remarks>
internal static class ElasticCommand
{
    public static Command Build()
    {
        var quick = new Option<bool>("--quick") { Description = "90 s of trace per system (about 8 minutes for the five)" };
        var smoke = new Option<bool>("--smoke") { Description = "8 s of trace per system: checks the plumbing, not the numbers" };
        var simulate = new Option<bool>("--simulate") { Description = "Run the policies against the controller's deterministic queueing model instead of this machine (seconds)" };
        var cores = new Option<int?>("--cores") { Description = "With --simulate: the simulated machine's cores (default: this machine's)" };
        var systems = new Option<string?>("--systems") { Description = $"Systems to compare, comma-separated (default: {string.Join(",", ElasticSystems.All)})" };
        var trace = new Option<string?>("--trace") { Description = "The LC load trace: 'seconds,requests_per_second' lines, joined by straight lines (default: the shipped trace of ramps and bursts)" };
        var jobs = new Option<string?>("--jobs") { Description = "The batch jobs: 'name: shell command' lines (default: stress-ng, xz and sysbench jobs)" };
        var slo = new Option<double?>("--slo-ms") { Description = $"The SLO: p99 latency per window at most this many milliseconds (default {ElasticDefaults.SloMs})" };
        var rate = new Option<double?>("--rate") { Description = $"The trace's peak, requests per second: the trace is scaled to it (default {ElasticDefaults.PeakRate:0}; --smoke 4000)" };
        var seconds = new Option<double?>("--seconds") { Description = "Length of the trace on each system, seconds (default: the mode's; the trace's own without --quick or --smoke)" };
        var lcCpus = new Option<int?>("--lc-cpus") { Description = "CPUs the LC subOS starts with, and keeps in the static partition (default: half)" };
        var rounds = new Option<int?>("--rounds")
        {
            Description = $"Run every system this many times (1 to {ElasticDefaults.MaxRounds}), the order rotated each round; two tables: each system's medians with its batch work against static's in the same round, then every run",
        };
        var output = new Option<string?>("--out") { Description = $"Results directory (default {ResultStore.DefaultDirectory}, or ${ResultStore.Variable})" };
        var noInstall = new Option<bool>("--no-install") { Description = "Do not install missing Debian packages (memcached, stress-ng)" };
        var json = Globals.Json();
        var command = new Command("elastic", "CPUs moved between memcached under a trace and batch jobs: linux, static partition, threshold and slack policies (paper Fig. 10, 11, Table 5)")
        {
            quick, smoke, simulate, cores, systems, trace, jobs, slo, rate, seconds, lcCpus, rounds, output, noInstall, json,
        };
        command.SetAction(parse =>
        {
            var (q, s) = (parse.GetValue(quick), parse.GetValue(smoke));
            if (q && s)
            {
                throw RfException.Invalid("--quick and --smoke exclude each other");
            }

            if (parse.GetValue(seconds) is <= 0)
            {
                throw RfException.Invalid("--seconds must be positive");
            }

            if (parse.GetValue(cores) is { } c && (c < 2 || !parse.GetValue(simulate)))
            {
                throw RfException.Invalid(c < 2 ? "--cores must be at least 2" : "--cores goes with --simulate");
            }

            var options = new BenchOptions
            {
                Mode = s ? BenchMode.Smoke : q ? BenchMode.Quick : BenchMode.Full,
                Systems = parse.GetValue(systems) is { } text ? [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] : null,
                Install = !parse.GetValue(noInstall),
                CommandLine = "rfm bench " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
                Duration = parse.GetValue(seconds) is { } d ? TimeSpan.FromSeconds(d) : null,
                Rate = parse.GetValue(rate),
                TracePath = parse.GetValue(trace),
                JobsPath = parse.GetValue(jobs),
                SloMs = parse.GetValue(slo),
                LcCpus = parse.GetValue(lcCpus),
                Simulate = parse.GetValue(simulate),
                Cores = parse.GetValue(cores),
                Rounds = parse.GetValue(rounds),
            };

            // Every option is checked before anything is made.
            ElasticDefaults.Check(options);
            var asJson = parse.GetValue(json);
            var run = BenchConsole.Run(asJson || Console.IsOutputRedirected, (observer, token) => BenchHarness.RunAsync(BenchHarness.Elastic, options, observer, token));
            var path = ResultStore.Save(run, ResultStore.Resolve(parse.GetValue(output)));
            if (asJson)
            {
                Console.Out.WriteLine(BenchJson.Serialize(run));
                return 0;
            }

            BenchPrinter.Print(run);
            foreach (var note in run.Notes.Where(n => n.Contains("not available", StringComparison.Ordinal) || n.Contains("not measured", StringComparison.Ordinal)))
            {
                Console.WriteLine(note);
            }

            Console.WriteLine($"results: {path} (rfm bench report renders report.md with plots)");
            return 0;
        });
        return command;
    }
}
