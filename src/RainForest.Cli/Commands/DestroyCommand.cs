using System.CommandLine;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm destroy NAME...</c>.</summary>
internal static class DestroyCommand
{
    public static Command Build()
    {
        var names = new Argument<string[]>("name") { Description = "The subOS(es)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("destroy", "End every process of a subOS, remove its cgroups, mounts and namespaces, free its resources") { names };
        command.SetAction(parse =>
        {
            using var supervisor = Globals.Open(parse);
            foreach (var name in parse.GetValue(names)!)
            {
                supervisor.Destroy(name);
                Console.WriteLine($"destroyed {name}");
            }

            return 0;
        });
        return command;
    }
}
