using System.CommandLine;
using RainForest.Supervisor.Json;
using RainForest.Core;
using RainForest.Core.Model;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm resize NAME [--cpus N|LIST|+N|-N] [--memory SIZE]</c>, live.</summary>
internal static class ResizeCommand
{
    public static Command Build()
    {
        var name = new Argument<string>("name") { Description = "The subOS" };
        var cpus = new Option<string?>("--cpus") { Description = "New CPUs: a count, a list, +N or -N" };
        var memory = new Option<string?>("--memory") { Description = "New memory size" };
        var pids = new Option<string?>("--pids") { Description = $"New pids limit: most tasks at once ({PidsLimit.Minimum} to {PidsLimit.Maximum})" };
        var force = new Option<bool>("--force")
        {
            Description = "Shrink memory below what is in use, OOM-killing programs (never the agent); without it such a shrink is refused (exit 2)",
        };
        var json = Globals.Json();
        var command = new Command("resize", "Change a subOS's CPUs, memory or pids limit while it runs") { name, cpus, memory, pids, force, json };
        command.SetAction(parse =>
        {
            var subOs = Globals.CheckName(parse.GetValue(name));
            var cpuRequest = parse.GetValue(cpus) is { } c ? Globals.ParseCpus(c, allowRelative: true) : null;
            ByteSize? size = parse.GetValue(memory) is { } m ? Globals.ParseSize(m, "--memory") : null;
            using var supervisor = Globals.Open(parse);
            var limit = parse.GetValue(pids) is { } p ? PidsLimit.Parse(p) : (long?)null;
            var record = supervisor.Resize(subOs, cpuRequest, size, limit, parse.GetValue(force));
            if (parse.GetValue(json))
            {
                Output.Json(supervisor.Show(record.Name), RfmJsonContext.Default.SubOsStatus);
            }
            else
            {
                Console.WriteLine($"resized {record.Name}: cpus {record.Cpus}, memory {record.Memory}, pids limit {record.PidsMax}");
            }

            return 0;
        });
        return command;
    }
}
