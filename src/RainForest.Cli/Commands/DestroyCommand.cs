using System.CommandLine;

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
            using var supervisor = Globals.Open(parse);
            var destroyed = new List<string>();
            foreach (var name in parse.GetValue(names)!)
            {
                supervisor.Destroy(name);
                destroyed.Add(name);
                if (!parse.GetValue(json))
                {
                    Console.WriteLine($"destroyed {name}");
                }
            }

            if (parse.GetValue(json))
            {
                Output.Json(new { Destroyed = destroyed });
            }

            return 0;
        });
        return command;
    }
}
