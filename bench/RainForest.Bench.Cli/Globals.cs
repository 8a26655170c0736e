using System.CommandLine;
using RainForest.Supervisor;

namespace RainForest.Bench.Cli;

/// <summary>The options rfm passes on to every bench command, and opening the state directory's supervisor.</summary>
internal static class Globals
{
    public static readonly Option<string?> StateDir = new("--state-dir")
    {
        Description = $"State directory of the supervisor that lifecycle and channels measure (default {StateDirectory.DefaultPath}, or ${StateDirectory.EnvironmentVariable})",
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose") { Description = "Show details of internal errors", Recursive = true };

    public static Option<bool> Json() => new("--json") { Description = "Print JSON for programs instead of tables" };

    /// <summary>Opens the state directory's supervisor after repairing what an interrupted rfm command left, as every rfm command does.</summary>
    public static RainForestSupervisor OpenSupervisor(ParseResult parse)
    {
        var supervisor = RainForestSupervisor.Open(StateDirectory.Resolve(parse.GetValue(StateDir)));
        foreach (var repair in supervisor.Reconcile())
        {
            Console.Error.WriteLine($"rfm: repaired: {repair}");
        }

        return supervisor;
    }
}
