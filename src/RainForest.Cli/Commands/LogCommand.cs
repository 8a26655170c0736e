using System.CommandLine;
using RainForest.Supervisor.Json;
using RainForest.Core;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm log</c>: the journal of adjustments.</summary>
internal static class LogCommand
{
    public static Command Build()
    {
        var last = new Option<string?>("--last", "-n") { Description = "Only the newest N entries (N of 1 or more)" };
        var target = new Option<string?>("--subos") { Description = "Only entries about this subOS" };
        var json = Globals.Json();
        var command = new Command("log", "Show the journal: every adjustment and attempt, with time, before, after, duration and outcome") { last, target, json };
        command.SetAction(parse =>
        {
            var subOs = parse.GetValue(target) is { } t ? Globals.CheckName(t, "--subos: ") : null;
            var count = parse.GetValue(last) is { } n ? Globals.ParseCount(n, "--last") : (int?)null;
            using var supervisor = Globals.Open(parse, reconcile: false, requireInit: false);
            var entries = supervisor.Journal(count, subOs);
            if (parse.GetValue(json))
            {
                Output.Json(entries, RfmJsonContext.Default.IReadOnlyListJournalEntry);
                return 0;
            }

            // One line per entry: journals are read with grep and less, and rarely fit a table's columns.
            if (entries.Count > 0)
            {
                Console.WriteLine($"{"id",5}  {"time",-23}  {"op",-15} {"target",-12} {"duration",11}  {"outcome",-8}  change (before -> after) or reason");
            }

            foreach (var e in entries)
            {
                var change = e.Before is null && e.After is null ? string.Empty : $"  {e.Before ?? "-"} -> {e.After ?? "-"}";
                var message = e.Message is null ? string.Empty : $"  {e.Message}";
                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{e.Id,5}  {e.Time.ToLocalTime():yyyy-MM-dd HH:mm:ss.fff}  {e.Operation,-15} {e.Target,-12} {e.DurationMs,8:0.0} ms  {e.Outcome.ToText(),-8}{change}{message}"));
            }

            return 0;
        });
        return command;
    }
}
