using System.CommandLine;
using System.Globalization;
using RainForest.Core;
using RainForest.Core.Elastic;
using RainForest.Supervisor.Json;
using RainForest.Supervisor.Ledger;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm log</c>: the journal of adjustments, and its retention (<c>--vacuum-time</c>, <c>--vacuum-entries</c>).</summary>
internal static class LogCommand
{
    public static Command Build()
    {
        var last = new Option<string?>("--last", "-n") { Description = "Only the newest N entries (N of 1 or more)" };
        var target = new Option<string?>("--subos") { Description = "Only entries about this subOS" };
        var vacuumTime = new Option<string?>("--vacuum-time")
        {
            Description = "Remove the entries older than this (30d, 12h) instead of showing any; the removal is journalled",
        };
        var vacuumEntries = new Option<string?>("--vacuum-entries")
        {
            Description = "Remove all but the newest N entries (N of 1 or more) instead of showing any; with --vacuum-time, an entry goes if either says so",
        };
        var json = Globals.Json();
        var command = new Command("log", "Show the journal: every adjustment and attempt, with time, before, after, duration and outcome")
        {
            last, target, vacuumTime, vacuumEntries, json,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(vacuumTime) is not null || parse.GetValue(vacuumEntries) is not null)
            {
                if (parse.GetValue(last) is not null || parse.GetValue(target) is not null)
                {
                    throw RfException.Invalid("--vacuum-time and --vacuum-entries remove entries from the whole journal: drop --last and --subos");
                }

                return Vacuum(parse, parse.GetValue(vacuumTime), parse.GetValue(vacuumEntries), parse.GetValue(json));
            }

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

    private static int Vacuum(ParseResult parse, string? age, string? keep, bool json)
    {
        var olderThan = age is null ? (TimeSpan?)null : DurationText.Parse(age, "--vacuum-time");
        if (olderThan <= TimeSpan.Zero)
        {
            throw RfException.Invalid($"--vacuum-time {Printable.Escape(age)}: expected a positive duration");
        }

        var entries = keep is null ? (int?)null : Globals.ParseCount(keep, "--vacuum-entries");
        using var supervisor = Globals.Open(parse, reconcile: false, requireInit: false);
        var result = supervisor.VacuumJournal(olderThan, entries);
        if (json)
        {
            Output.Json(result, RfmJsonContext.Default.JournalVacuum);
            return 0;
        }

        var oldest = result.OldestLeft is { } o ? $", the oldest from {o.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}" : string.Empty;
        Console.WriteLine($"removed {JournalVacuum.Entries(result.Removed)} ({result.Rules}); {result.Left} left{oldest}, and this removal's own entry");
        if (result.CompactError is null)
        {
            Console.WriteLine($"ledger {new ByteSize(result.LedgerBytesBefore)} -> {new ByteSize(result.LedgerBytesAfter)}");
        }
        else
        {
            Console.Error.WriteLine($"rfm: warning: the ledger keeps its free pages for later writes ({result.CompactError})");
        }

        return 0;
    }
}
