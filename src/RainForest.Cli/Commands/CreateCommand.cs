using System.CommandLine;
using RainForest.Supervisor.Json;
using RainForest.Core.Model;
using RainForest.Supervisor;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm create NAME --cpus N|LIST --memory SIZE</c>.</summary>
internal static class CreateCommand
{
    public static Command Build()
    {
        var name = new Argument<string>("name") { Description = "Name of the subOS (also its hostname)" };
        var cpus = new Option<string>("--cpus") { Description = "A count (2) or a list (0-3,8; one CPU as 3-3)", Required = true };
        var memory = new Option<string>("--memory") { Description = "Memory size (512M, 2G)", Required = true };
        var rootfs = new Option<string?>("--rootfs") { Description = "Lower layer of the root file system (default: the host's /, copy-on-write)" };
        var net = new Option<string>("--net") { Description = "none (loopback only) or loop (the supervisor's RFloop segment; NAME.rf resolves)", DefaultValueFactory = _ => "none" };
        var nic = new Option<string[]>("--nic") { Description = "Move this host network interface into the subOS and steer its IRQs to its CPUs (repeatable)" };
        var pids = new Option<string?>("--pids")
        {
            Description = $"Most tasks at once ({PidsLimit.Minimum} to {PidsLimit.Maximum}; default one per 256K of memory, 128 to 32768)",
        };
        var privileged = new Option<bool>("--privileged")
        {
            Description = "Opt out of the Security Guard: root inside is the host's root (all capabilities, no seccomp filter, no masked paths); journalled",
        };
        var json = Globals.Json();
        var command = new Command("create", "Create a subOS with exclusive CPUs and its own memory, namespaces and root")
        {
            name, cpus, memory, rootfs, net, nic, pids, privileged, json,
        };
        command.SetAction(parse =>
        {
            var options = new CreateOptions
            {
                Name = Globals.CheckName(parse.GetValue(name)),
                Cpus = Globals.ParseCpus(parse.GetValue(cpus)!, allowRelative: false),
                Memory = Globals.ParseSize(parse.GetValue(memory)!, "--memory"),
                RootFs = parse.GetValue(rootfs),
                Net = CreateOptions.ParseNet(parse.GetValue(net)!),
                Nics = parse.GetValue(nic) ?? [],
                Pids = parse.GetValue(pids) is { } p ? PidsLimit.Parse(p) : null,
                Privileged = parse.GetValue(privileged),
            };
            RainForestSupervisor.CheckNics(options.Nics);
            using var supervisor = Globals.Open(parse);
            var record = supervisor.Create(options);
            if (parse.GetValue(json))
            {
                Output.Json(supervisor.Show(record.Name), RfmJsonContext.Default.SubOsStatus);
            }
            else
            {
                var address = record.Address is null ? string.Empty : $", address {record.Address} ({record.Name}.rf)";
                var guard = record.Privileged ? ", PRIVILEGED (root inside is the host's root)" : string.Empty;
                Console.WriteLine($"created {record.Name}: cpus {record.Cpus}, memory {record.Memory}, node(s) {record.Mems}, pids limit {record.PidsMax}{address}{guard}");
            }

            return 0;
        });
        return command;
    }
}
