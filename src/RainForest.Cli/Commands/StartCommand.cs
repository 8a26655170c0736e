using System.CommandLine;
using RainForest.Supervisor.Json;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm start NAME</c>: restarts a subOS whose agent died.</summary>
internal static class StartCommand
{
    public static Command Build()
    {
        var name = new Argument<string>("name") { Description = "The subOS" };
        var json = Globals.Json();
        var command = new Command("start", "Restart a dead subOS with the resources it still owns") { name, json };
        command.SetAction(parse =>
        {
            var subOs = Globals.CheckName(parse.GetValue(name));
            using var supervisor = Globals.Open(parse);
            var record = supervisor.Start(subOs);
            if (parse.GetValue(json))
            {
                Output.Json(supervisor.Show(record.Name), RfmJsonContext.Default.SubOsStatus);
            }
            else
            {
                Console.WriteLine($"started {record.Name}: cpus {record.Cpus}, memory {record.Memory}");
            }

            return 0;
        });
        return command;
    }
}
