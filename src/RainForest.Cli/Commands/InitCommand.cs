using System.CommandLine;
using RainForest.Supervisor.Json;
using RainForest.Core;
using RainForest.Supervisor;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm init</c>: records the machine and the supervisor partition.</summary>
internal static class InitCommand
{
    public static Command Build()
    {
        var reserveCpus = new Option<string?>("--reserve-cpus") { Description = "Supervisor CPUs (a cpulist; \"\" for none). Default: the first core of each NUMA node" };
        var reserveMemory = new Option<string?>("--reserve-memory") { Description = "Supervisor memory (default 5% of the machine, 256M to 4G)" };
        var confine = new Option<bool>("--confine-host") { Description = "Move host tasks, unbound workqueues and IRQs onto the supervisor CPUs" };
        var json = Globals.Json();
        var command = new Command("init", "Record the machine and the supervisor partition") { reserveCpus, reserveMemory, confine, json };
        command.SetAction(parse =>
        {
            CpuSet? cpus = null;
            if (parse.GetValue(reserveCpus) is { } text)
            {
                cpus = CpuSet.TryParse(text, out var set, out var error) ? set : throw RfException.Invalid($"--reserve-cpus {text}: {error}");
            }

            ByteSize? memory = parse.GetValue(reserveMemory) is { } m ? Globals.ParseSize(m, "--reserve-memory") : null;
            using var supervisor = Globals.OpenForInit(parse);
            var machine = supervisor.Init(new InitOptions { ReserveCpus = cpus, ReserveMemory = memory, ConfineHost = parse.GetValue(confine) });
            if (parse.GetValue(json))
            {
                Output.Json(
                    new InitSummary(machine.Prefix, machine.CgroupMode, machine.ReserveCpus.ToString(), machine.ReserveMemory.Bytes, machine.HostConfined, machine.Topology.MachineKey),
                    RfmJsonContext.Default.InitSummary);
                return 0;
            }

            var pool = supervisor.Pool();
            Console.WriteLine($"initialised {supervisor.State.Path} (prefix {machine.Prefix}, cgroup {machine.CgroupMode.ToText()})");
            Console.WriteLine($"supervisor keeps CPUs [{(machine.ReserveCpus.IsEmpty ? "none" : machine.ReserveCpus)}] and {machine.ReserveMemory}; free for subOSes: CPUs [{pool.FreeCpus}], {pool.FreeMemory}");
            if (machine.HostConfined)
            {
                Console.WriteLine("host tasks, unbound workqueues and IRQs confined to the supervisor CPUs");
            }

            return 0;
        });
        return command;
    }
}
