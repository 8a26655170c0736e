using System.CommandLine;
using RainForest.Cli.Commands;
using RainForest.Core;
using RainForest.Linux.Guard;
using RainForest.Supervisor;
using RainForest.Supervisor.Ledger;

namespace RainForest.Cli;

/// <summary>rfm's command tree and its error policy.</summary>
/// <remarks>
/// Exit codes: 0 success; 1 an operation failed at run time (and was undone); 2 usage or invalid
/// input (nothing changed); other codes from <c>rfm exec</c> are the program's own.
/// </remarks>
internal static class RfmApp
{
    public static int Run(string[] args)
    {
        var parse = Parse(args);
        if (parse.Errors.Count == 0 && BenchCommand.IsChosen(parse))
        {
            // rf-bench answers from here on, --help included.
            return Guarded(parse, () =>
            {
                BenchCommand.Exec(parse);
                return 0;
            });
        }

        if (parse.Errors.Count == 0 && ServeCommand.IsChosen(parse))
        {
            // rf-serve answers from here on, --help included.
            return Guarded(parse, () =>
            {
                ServeCommand.Exec(parse);
                return 0;
            });
        }

        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine($"rfm: {Printable.Escape(ParseError(parse, parse.RootCommandResult.Command), 400)}");
            return RfException.InvalidInputExitCode;
        }

        return Guarded(parse, () => parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));
    }

    /// <summary>Parses a command line against rfm's whole tree.</summary>
    internal static ParseResult Parse(string[] args)
    {
        var root = new RootCommand("rfm: RainForest, isolate first then share. Partitions a Linux machine into subOSes.");
        root.Options.Add(Globals.StateDir);
        root.Options.Add(Globals.Verbose);
        foreach (var command in new[]
        {
            InitCommand.Build(), DeinitCommand.Build(), TopoCommand.Build(), CreateCommand.Build(), ExecCommand.Build(),
            ResizeCommand.Build(), DestroyCommand.Build(), StartCommand.Build(), ListCommand.Build(), ShowCommand.Build(), AuditCommand.Build(),
            LogCommand.Build(), ReconcileCommand.Build(), ChannelCommand.Build(), BenchCommand.Build(), ServeCommand.Build(), KernelCommand.Build(),
            PolicyCommand.Build(), LendCommand.Build(), ReclaimCommand.Build(),
        })
        {
            root.Subcommands.Add(command);
        }

        return root.Parse(HelpAsOption(args));
    }

    /// <summary>Runs a command under rfm's error policy.</summary>
    private static int Guarded(ParseResult parse, Func<int> command)
    {
        try
        {
            var code = command();
            WarnSkippedReconcile();
            return code;
        }
        catch (Exception e) when (UserErrors.Classify(e) is { } error)
        {
            if (e is not LedgerFullException)
            {
                WarnSkippedReconcile();
            }

            Console.Error.WriteLine($"rfm: {error.Message}");
            if (parse.GetValue(Globals.Verbose) && e is RfException { InnerException: { } inner })
            {
                Console.Error.WriteLine(inner);
            }

            return error.ExitCode;
        }
        catch (Exception e)
        {
            // A bug, not a user error: say so, and show the stack on request.
            Console.Error.WriteLine($"rfm: internal error: {e.Message}");
            Console.Error.WriteLine(parse.GetValue(Globals.Verbose) ? e.ToString() : "rfm: run again with --verbose for details");
            return RfException.FailureExitCode;
        }
    }

    private static void WarnSkippedReconcile()
    {
        if (Globals.SkippedReconcile is { } warning)
        {
            Console.Error.WriteLine($"rfm: {warning}");
        }
    }

    /// <summary>"rfm help create" reads as "rfm create --help", as git and dotnet have it.</summary>
    private static string[] HelpAsOption(string[] args)
    {
        var i = 0;
        while (i < args.Length && (args[i] == "--verbose" || args[i].StartsWith("--state-dir=", StringComparison.Ordinal)))
        {
            i++;
        }

        if (i + 1 < args.Length && args[i] == "--state-dir")
        {
            return [.. args[..(i + 2)], .. HelpAsOption(args[(i + 2)..])];
        }

        return i < args.Length && args[i] == "help" ? [.. args[..i], .. args[(i + 1)..], "--help"] : args;
    }

    /// <summary>The one line a command line that does not parse gets.</summary>
    /// <remarks>
    /// System.CommandLine reports an unknown verb as "Required command was not provided", which names
    /// neither the word it did not know nor where to look.
    /// </remarks>
    private static string ParseError(ParseResult parse, Command root)
    {
        if (parse.CommandResult.Command is { Subcommands.Count: > 0 } parent)
        {
            var where = ReferenceEquals(parent, root) ? "rfm" : $"rfm {parent.Name}";
            return parse.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith('-')) is { } unknown
                ? $"unknown command '{unknown}' for {where} ({where} --help lists them)"
                : $"{where} needs a command ({where} --help lists them)";
        }

        return $"{parse.Errors[0].Message} (rfm --help for usage)";
    }
}
