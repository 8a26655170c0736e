using System.CommandLine;
using RainForest.Supervisor;
using RainForest.Supervisor.Json;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm destroy NAME...</c>.</summary>
internal static class DestroyCommand
{
    public static Command Build()
    {
        var names = new Argument<string[]>("name") { Description = "The subOS(es)", Arity = ArgumentArity.OneOrMore };
        var json = Globals.Json();
        var command = new Command("destroy", "End every process of a subOS, remove its cgroups, mounts and namespaces, free its resources") { names, json };
        command.SetAction(parse =>
        {
            // Every name is checked (syntax here, existence in Destroy) before the first subOS goes.
            var subOses = Globals.CheckNames(parse.GetValue(names)!);
            using var supervisor = Globals.Open(parse);
            supervisor.Destroy(subOses, parse.GetValue(json) ? null : (name, outcome) => Console.WriteLine(outcome == DestroyOutcome.Recorded
                ? $"destroyed {name}"
                : $"destroyed {name}; the state directory's file system is full: the ledger records it once space returns"));
            if (parse.GetValue(json))
            {
                Output.Json(new DestroySummary(subOses), RfmJsonContext.Default.DestroySummary);
            }

            return 0;
        });
        return command;
    }
}
