using System.CommandLine;
using Spectre.Console;
using RainForest.Supervisor.Json;
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
        var all = new Option<bool>("--all") { Description = "Also list empty block devices (unused loop and zram devices of size 0)" };
        var json = Globals.Json();
        var command = new Command("topo", "Show CPUs, NUMA nodes, memory and devices") { root, all, json };
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
            if (NodeMemoryNote(topology) is { } note)
            {
                Console.WriteLine(note);
            }

            var nics = Output.Table("interface", "kind", "driver", "pci", "node", "irqs");
            foreach (var n in topology.NetworkInterfaces)
            {
                nics.AddRow(n.Name, n.IsPhysical ? "physical" : "virtual", Output.Escape(n.Driver ?? "-"), n.PciAddress ?? "-", $"{n.NumaNode}", n.Irqs.Count == 0 ? "-" : CpuSet.Of(n.Irqs).ToString());
            }

            Output.Write(nics);
            var disks = Output.Table("block device", "size", "rotational", "removable", "virtual");
            var showAll = parse.GetValue(all);
            var empty = topology.BlockDevices.Where(d => d.SizeBytes == 0).Select(d => d.Name).ToList();
            foreach (var d in topology.BlockDevices.Where(d => showAll || d.SizeBytes > 0))
            {
                disks.AddRow(d.Name, new ByteSize(d.SizeBytes).ToString(), d.Rotational ? "yes" : "no", d.Removable ? "yes" : "no", d.IsVirtual ? "yes" : "no");
            }

            Output.Write(disks);
            if (!showAll && empty.Count > 0)
            {
                Console.WriteLine($"({empty.Count} empty block device(s) not listed: {string.Join(", ", empty)}; --all lists them)");
            }

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

    /// <summary>
    /// Explains a machine whose nodes account for less memory than the machine has, or null when they agree.
    /// </summary>
    /// <remarks>
    /// A node's <c>meminfo</c> counts the pages its zones manage. Some virtual machines (this project's CI VM:
    /// 5.09G on node 0 of 23.5G) hand memory to the kernel in a way no zone's managed count includes, although
    /// /proc/meminfo's MemTotal does and programs can use all of it. <c>rfm init</c> and the pool use MemTotal,
    /// so the figures differ by design; say so rather than leave two numbers that seem to contradict.
    /// </remarks>
    internal static string? NodeMemoryNote(MachineTopology topology)
    {
        var nodes = topology.NumaNodes.Sum(n => n.MemTotalBytes);
        if (nodes == 0 || topology.MemTotalBytes == 0 || nodes >= topology.MemTotalBytes * 99 / 100)
        {
            return null;
        }

        return $"note: the nodes' meminfo counts {new ByteSize(nodes)} of the {new ByteSize(topology.MemTotalBytes)} the kernel reports " +
            $"(/proc/meminfo); the other {new ByteSize(topology.MemTotalBytes - nodes)} is usable but counted in no node's zones. " +
            "rfm init and the pool share MemTotal among the nodes, so they offer more than this table lists.";
    }
}
