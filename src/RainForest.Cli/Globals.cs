using System.CommandLine;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Supervisor;
using RainForest.Supervisor.Ledger;

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

    /// <summary>The warning for a reconcile skipped because the state directory's file system is full, or null.</summary>
    public static string? SkippedReconcile { get; private set; }

    public static Option<bool> Json() => new("--json") { Description = "Print JSON for programs instead of tables" };

    /// <summary>Opens an initialised supervisor and repairs what an interrupted command left behind.</summary>
    /// <param name="parse">The command line.</param>
    /// <param name="reconcile">Whether to repair first.</param>
    /// <param name="requireInit">
    /// False for the verbs that also serve a supervisor that was released (the journal, which deinit keeps,
    /// and reconcile); they still need a ledger.
    /// </param>
    /// <exception cref="RfException">Nothing was ever initialised here (exit 2); nothing was created.</exception>
    public static RainForestSupervisor Open(ParseResult parse, bool reconcile = true, bool requireInit = true)
    {
        var state = StateDirectory.Resolve(parse.GetValue(StateDir));

        // Opening creates the state directory and the ledger: only init may do that. A verb run on a machine
        // where rfm was never set up must not leave a state directory behind it.
        if (!File.Exists(state.LedgerPath))
        {
            throw NotInitialised(state);
        }

        var supervisor = RainForestSupervisor.Open(state);
        if (requireInit && !supervisor.IsInitialised)
        {
            supervisor.Dispose();
            throw NotInitialised(state);
        }

        return Repaired(supervisor, reconcile);
    }

    /// <summary>Opens the supervisor for <c>rfm init</c>, creating the state directory and ledger if needed.</summary>
    public static RainForestSupervisor OpenForInit(ParseResult parse) =>
        Repaired(RainForestSupervisor.Open(StateDirectory.Resolve(parse.GetValue(StateDir))), reconcile: true);

    private static RainForestSupervisor Repaired(RainForestSupervisor supervisor, bool reconcile)
    {
        if (reconcile)
        {
            try
            {
                foreach (var repair in supervisor.Reconcile())
                {
                    Console.Error.WriteLine($"rfm: repaired: {repair}");
                }
            }
            catch (LedgerFullException e)
            {
                // Reading, exec and destroy still work on a full disk: the repair waits for space, and the command goes on.
                // Said once the command ends, and not at all when the command itself fails for the full disk, so that a
                // refused change is one line.
                SkippedReconcile = $"warning: {e.FileSystem} is full: reconcile skipped (the ledger records nothing until space returns)";
            }
        }

        return supervisor;
    }

    private static RfException NotInitialised(StateDirectory state) =>
        RfException.NotInitialised($"not initialised: run 'rfm init' first (state directory {state.Path})");

    /// <summary>
    /// Checks a subOS or channel name before anything is opened: a bad name must not create the state
    /// directory, touch the ledger or reach a clean-up path (exit code 2, one line).
    /// </summary>
    public static string CheckName(string? name, string context = "") =>
        SubOsName.Validate(name) is { } error ? throw RfException.Invalid(context + error) : name!;

    /// <summary>Checks every name of a list before anything is opened or acted on.</summary>
    public static IReadOnlyList<string> CheckNames(IReadOnlyList<string> names, string context = "")
    {
        SubOsName.CheckAll(names, context);
        return names;
    }

    /// <summary>Parses a <c>--cpus</c> value; one clear line naming the option (exit 2) for anything else.</summary>
    public static CpuRequest ParseCpus(string text, bool allowRelative) =>
        CpuRequest.TryParse(text, allowRelative, out var request, out var error) ? request : throw RfException.Invalid($"--cpus {text}: {error}");

    /// <summary>Parses a count of 1 or more; anything else is one line and exit 2.</summary>
    public static int ParseCount(string text, string option) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) && count > 0
            ? count
            : throw RfException.Invalid($"{option} {Printable.Escape(text, 40)}: not a count (a whole number, 1 or more)");

    public static ByteSize ParseSize(string text, string option)
    {
        if (!ByteSize.TryParse(text, out var size) || size.Bytes == 0)
        {
            throw RfException.Invalid($"{option} {text}: not a size (use a number with K, M, G or T, such as 512M)");
        }

        return size;
    }
}
