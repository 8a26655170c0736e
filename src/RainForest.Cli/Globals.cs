using System.CommandLine;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Supervisor;

namespace RainForest.Cli;

/// <summary>Options every command takes, and opening the supervisor.</summary>
internal static class Globals
{
    public static readonly Option<string?> StateDir = new("--state-dir")
    {
        Description = $"State directory (default {StateDirectory.DefaultPath}, or ${StateDirectory.EnvironmentVariable})",
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose") { Description = "Show details of internal errors", Recursive = true };

    public static Option<bool> Json() => new("--json") { Description = "Print JSON for programs instead of tables" };

    /// <summary>Opens the supervisor and repairs what an interrupted command left behind.</summary>
    public static RainForestSupervisor Open(ParseResult parse, bool reconcile = true)
    {
        var supervisor = RainForestSupervisor.Open(StateDirectory.Resolve(parse.GetValue(StateDir)));
        if (reconcile)
        {
            foreach (var repair in supervisor.Reconcile())
            {
                Console.Error.WriteLine($"rfm: repaired: {repair}");
            }
        }

        return supervisor;
    }

    /// <summary>
    /// Checks a subOS or channel name before anything is opened: a bad name must not create the state
    /// directory, touch the ledger or reach a clean-up path (exit code 2, one line).
    /// </summary>
    public static string CheckName(string? name, string context = "") =>
        SubOsName.Validate(name) is { } error ? throw RfException.Invalid(context + error) : name!;

    /// <summary>Checks every name of a list before anything is opened or acted on.</summary>
    public static IReadOnlyList<string> CheckNames(IReadOnlyList<string> names, string context = "")
    {
        foreach (var name in names)
        {
            CheckName(name, context);
        }

        return names;
    }

    /// <summary>Parses a <c>--cpus</c> value; one clear line naming the option (exit 2) for anything else.</summary>
    public static CpuRequest ParseCpus(string text, bool allowRelative) =>
        CpuRequest.TryParse(text, allowRelative, out var request, out var error) ? request : throw RfException.Invalid($"--cpus {text}: {error}");

    public static ByteSize ParseSize(string text, string option)
    {
        if (!ByteSize.TryParse(text, out var size) || size.Bytes == 0)
        {
            throw RfException.Invalid($"{option} {text}: not a size (use a number with K, M, G or T, such as 512M)");
        }

        return size;
    }
}
