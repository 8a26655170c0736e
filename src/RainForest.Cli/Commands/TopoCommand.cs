using System.CommandLine;
using Spectre.Console;
using RainForest.Cli.Json;
using RainForest.Core;
using RainForest.Core.Topology;
using RainForest.Supervisor;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm topo</c>: the machine as the supervisor discovers it.</summary>
internal static class TopoCommand
{
    public static Command Build()
    {
        var root = new Option<string>("--root") { Description = "Read /sys and /proc under this root (fixture trees)", DefaultValueFactory = _ => "/" };
        var json = Globals.Json();
        var command = new Command("topo", "Show CPUs, NUMA nodes, memory and devices") { root, json };
        command.SetAction(parse =>
        {
            MachineTopology topology;
            try
            {
                topology = RainForestSupervisor.Topology(parse.GetValue(root)!);
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                throw RfException.Invalid($"--root {parse.GetValue(root)}: {e.Message}");
            }

            if (parse.GetValue(json))
            {
                Output.Json(topology, RfmJsonContext.Default.MachineTopology);
                return 0;
            }

            Console.WriteLine(TopologySummary.Describe(topology));
            var cpus = Output.Table("cpu", "core", "package", "node", "smt siblings", "llc group", "online");
            foreach (var c in topology.Cpus)
            {
                cpus.AddRow($"{c.Id}", $"{c.CoreId}", $"{c.PackageId}", $"{c.NumaNode}", c.SmtSiblings, c.LlcGroup, c.Online ? "yes" : "no");
            }

            Output.Write(cpus);
            var nodes = Output.Table("node", "cpus", "memory", "free");
            foreach (var n in topology.NumaNodes)
            {
                nodes.AddRow($"{n.Id}", n.Cpus, new ByteSize(n.MemTotalBytes).ToString(), new ByteSize(n.MemFreeBytes).ToString());
            }

            Output.Write(nodes);
            Console.WriteLine($"memory: {new ByteSize(topology.MemTotalBytes)} total, {new ByteSize(topology.MemAvailableBytes)} available");
            var nics = Output.Table("interface", "kind", "driver", "pci", "node", "irqs");
            foreach (var n in topology.NetworkInterfaces)
            {
                nics.AddRow(n.Name, n.IsPhysical ? "physical" : "virtual", Output.Escape(n.Driver ?? "-"), n.PciAddress ?? "-", $"{n.NumaNode}", n.Irqs.Count == 0 ? "-" : CpuSet.Of(n.Irqs).ToString());
            }

            Output.Write(nics);
            var disks = Output.Table("block device", "size", "rotational", "removable", "virtual");
            foreach (var d in topology.BlockDevices)
            {
                disks.AddRow(d.Name, new ByteSize(d.SizeBytes).ToString(), d.Rotational ? "yes" : "no", d.Removable ? "yes" : "no", d.IsVirtual ? "yes" : "no");
            }

            Output.Write(disks);
            var pci = Output.Table("pci device", "vendor", "device", "class", "driver", "node");
            foreach (var p in topology.PciDevices)
            {
                pci.AddRow(p.Address, p.Vendor ?? "-", p.Device ?? "-", p.Class ?? "-", Output.Escape(p.Driver ?? "-"), $"{p.NumaNode}");
            }

            Output.Write(pci);
            return 0;
        });
        return command;
    }
}
