using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using RainForest.Bench.Contracts;
using RainForest.Core;

namespace RainForest.Bench.Worker;

/// <summary>The whole of <c>rf-bench-worker</c>: parse, run, print; callable in-process from tests.</summary>
public static class WorkerCommand
{
    /// <summary>Exit code when the run finished and its result was written.</summary>
    public const int SuccessExitCode = 0;

    /// <summary>
    /// Runs the command line <paramref name="args"/>, writing results to <paramref name="stdout"/> and
    /// one-line errors to <paramref name="stderr"/>.
    /// </summary>
    /// <returns>0 when done, 1 when a system call failed (<see cref="RfException.FailureExitCode"/>),
    /// 2 for bad usage (<see cref="RfException.InvalidInputExitCode"/>).</returns>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        var line = new WorkerCommandLine();
        var parse = line.Root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            stderr.WriteLine($"rf-bench-worker: {parse.Errors[0].Message} (rf-bench-worker --help for usage)");
            return RfException.InvalidInputExitCode;
        }

        if (parse.CommandResult.Command != line.Micro || parse.Action is HelpAction)
        {
            // --help and --version print and exit through their own actions.
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        }

        var parsed = line.Read(parse);
        try
        {
            parsed.Micro.Validate(DateTimeOffset.UtcNow);
        }
        catch (RfException e)
        {
            stderr.WriteLine($"rf-bench-worker: {e.Message}");
            return e.ExitCode;
        }

        try
        {
            var result = MicroBenchmark.Run(parsed.Micro);
            var json = result.ToJson();
            if (parsed.OutputPath is not null)
            {
                File.WriteAllText(parsed.OutputPath, json + "\n");
            }

            if (parsed.Json)
            {
                stdout.WriteLine(json);
            }
            else
            {
                WriteSummary(result, stdout);
            }

            return SuccessExitCode;
        }
        catch (RfException e)
        {
            stderr.WriteLine($"rf-bench-worker: {e.Message}");
            return e.ExitCode;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OutOfMemoryException)
        {
            // A failed system call or file operation is a run-time failure, told in one line.
            stderr.WriteLine($"rf-bench-worker: {e.Message}");
            return RfException.FailureExitCode;
        }
    }

    /// <summary>Writes the result for people: throughput, placement and the latency percentiles.</summary>
    public static void WriteSummary(MicroResult result, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(writer);
        var c = CultureInfo.InvariantCulture;
        writer.WriteLine(string.Format(c, "{0}: {1:N0} ops in {2:F2} s = {3:N0} ops/s (pid {4}, cpu {5} -> {6}, allowed {7})",
            result.Op, result.Ops, result.Seconds, result.OpsPerSecond, result.Pid, result.CpuAtStart, result.CpuAtEnd, result.AllowedCpus));
        writer.WriteLine(string.Format(c, "latency ns: mean {0:N0}  p50 {1:N0}  p90 {2:N0}  p99 {3:N0}  p99.9 {4:N0}  max {5:N0}  (timer {6:N0})",
            result.MeanNs, result.P50Ns, result.P90Ns, result.P99Ns, result.P999Ns, result.MaxNs, result.TimerOverheadNs));
        foreach (var note in result.Notes)
        {
            writer.WriteLine($"note: {note}");
        }
    }
}
