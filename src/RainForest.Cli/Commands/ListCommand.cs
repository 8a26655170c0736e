using System.CommandLine;
using Spectre.Console;
using RainForest.Supervisor.Json;
using RainForest.Core;
using RainForest.Supervisor;
using RainForest.Supervisor.Ledger;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm ls</c>.</summary>
internal static class ListCommand
{
    public static Command Build()
    {
        var json = Globals.Json();
        var command = new Command("ls", "List subOSes and what each owns") { json };
        command.SetAction(parse =>
        {
            using var supervisor = Globals.Open(parse);
            var all = supervisor.List();
            if (parse.GetValue(json))
            {
                Output.Json(all, RfmJsonContext.Default.IReadOnlyListSubOsStatus);
                return 0;
            }

            var table = Output.Table("name", "state", "backend", "cpus", "memory", "used", "procs", "pids max", "guard", "node(s)", "created");
            foreach (var s in all)
            {
                var r = s.Record;
                table.AddRow(r.Name, State(s), ShowCommand.BackendLabel(r), (r.Cpus.IsEmpty ? "none" : r.Cpus.ToString()) + (s.IdleOn is { } lender ? $" +idle of {lender}" : string.Empty), r.Memory.ToString(), new ByteSize(s.MemoryUsedBytes).ToString(),
                    $"{s.Processes}", $"{r.PidsMax}", GuardLabel(r), r.Mems.ToString(), r.Created.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
            }

            Output.Write(table);
            if (supervisor.IsInitialised)
            {
                var pool = supervisor.Pool();
                Console.WriteLine($"supervisor: CPUs [{(pool.ReserveCpus.IsEmpty ? "none" : pool.ReserveCpus)}], {pool.ReserveMemory}; free: CPUs [{(pool.FreeCpus.IsEmpty ? "none" : pool.FreeCpus)}], {pool.FreeMemory}");
            }

            return 0;
        });
        return command;
    }

    /// <summary>The state column: <c>running</c>, <c>parked</c> (lent all its CPUs, frozen), or <c>dead</c>.</summary>
    internal static string State(SubOsStatus s) => !s.AgentAlive ? "dead" : s.Parked ? "parked" : "running";

    /// <summary>How a subOS is confined, in a word: <c>userns</c> (the Security Guard), <c>vm</c> (a kernel of its own), or <c>PRIVILEGED</c> (opted out).</summary>
    internal static string GuardLabel(SubOsRecord record) => record.Privileged ? "PRIVILEGED" : record.Guest is not null ? "vm" : "userns";
}
