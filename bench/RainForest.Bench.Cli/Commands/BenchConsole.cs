using System.Runtime.InteropServices;
using RainForest.Bench.Harness;
using RainForest.Cli;
using RainForest.Core;
using Spectre.Console;

namespace RainForest.Bench.Cli.Commands;

/// <summary>
/// Runs an experiment for rfm: a live progress display on a terminal (plain lines on stderr otherwise), and
/// Ctrl-C or SIGTERM turned into cancellation, so that the harness removes what it made before rfm exits.
/// </summary>
internal static class BenchConsole
{
    public static T Run<T>(bool quiet, Func<IBenchObserver, CancellationToken, Task<T>> work)
    {
        using var cancel = new CancellationTokenSource();
        var registrations = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }.Select(signal => PosixSignalRegistration.Create(signal, context =>
        {
            context.Cancel = true;
            if (!cancel.IsCancellationRequested)
            {
                Console.Error.WriteLine("rfm: stopping; removing what the benchmark made...");
                cancel.Cancel();
            }
        })).ToList();
        try
        {
            if (quiet)
            {
                return work(new LineObserver(), cancel.Token).GetAwaiter().GetResult();
            }

            T result = default!;
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .Start(context => result = work(new ProgressObserver(context), cancel.Token).GetAwaiter().GetResult());
            return result;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw RfException.Failed("interrupted; the benchmark removed what it made");
        }
        finally
        {
            registrations.ForEach(r => r.Dispose());
        }
    }

    private sealed class LineObserver : IBenchObserver
    {
        private readonly Dictionary<string, int> _lastDecile = [];

        public void Progress(string task, double fraction)
        {
            lock (_lastDecile)
            {
                var decile = (int)(fraction * 10);
                if (_lastDecile.TryGetValue(task, out var last) && last == decile)
                {
                    return;
                }

                _lastDecile[task] = decile;
            }

            Console.Error.WriteLine($"rfm: {task}: {fraction * 100:0}%");
        }

        public void Info(string message) => Console.Error.WriteLine($"rfm: {message}");
    }

    private sealed class ProgressObserver(ProgressContext context) : IBenchObserver
    {
        private readonly Dictionary<string, ProgressTask> _tasks = [];

        public void Progress(string task, double fraction)
        {
            ProgressTask bar;
            lock (_tasks)
            {
                if (!_tasks.TryGetValue(task, out bar!))
                {
                    bar = _tasks[task] = context.AddTask(Output.Escape(task), maxValue: 1);
                }
            }

            bar.Value = fraction;
        }

        public void Info(string message) => AnsiConsole.MarkupLine($"[grey]{Output.Escape(message)}[/]");
    }
}
