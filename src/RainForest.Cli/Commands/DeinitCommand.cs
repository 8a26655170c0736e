using System.CommandLine;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm deinit</c>: undoes init (and with --force destroys every subOS first).</summary>
internal static class DeinitCommand
{
    public static Command Build()
    {
        var force = new Option<bool>("--force") { Description = "Destroy every subOS first" };
        var command = new Command("deinit", "Release the host and remove this supervisor's cgroups; the journal is kept") { force };
        command.SetAction(parse =>
        {
            using var supervisor = Globals.Open(parse);
            supervisor.Deinit(parse.GetValue(force));
            Console.WriteLine($"released {supervisor.State.Path} (prefix {supervisor.State.Prefix})");
            return 0;
        });
        return command;
    }
}
