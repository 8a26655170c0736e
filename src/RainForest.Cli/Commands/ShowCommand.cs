using System.CommandLine;
using Spectre.Console;
using RainForest.Supervisor.Json;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Linux.Cgroups;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm show NAME</c>.</summary>
internal static class ShowCommand
{
    public static Command Build()
    {
        var name = new Argument<string>("name") { Description = "The subOS" };
        var json = Globals.Json();
        var command = new Command("show", "Show one subOS: its description and what the kernel holds") { name, json };
        command.SetAction(parse =>
        {
            var subOs = Globals.CheckName(parse.GetValue(name));
            using var supervisor = Globals.Open(parse);
            var s = supervisor.Show(subOs);
            if (parse.GetValue(json))
            {
                Output.Json(s, RfmJsonContext.Default.SubOsStatus);
                return 0;
            }

            var r = s.Record;
            var table = Output.Table("field", "value");
            table.AddRow("name", r.Name);
            table.AddRow("state", ListCommand.State(s) + (s.Parked ? " (lent all its CPUs: frozen until one returns)" : string.Empty));
            table.AddRow("backend", BackendLabel(r));
            if (r.Guest is { } guest)
            {
                table.AddRow("guest kernel", $"{guest.Release} ({Output.Escape(guest.KernelPath ?? "-")})");
                foreach (var share in guest.Shares)
                {
                    table.AddRow("shared directory", Output.Escape(share.ToString()) + " (9p)");
                }
            }

            table.AddRow("cpus", $"{r.Cpus} ({r.Cpus.Count})");
            table.AddRow("cpus in kernel", s.KernelCpus.Length == 0 ? "-" : s.KernelCpus);
            if (s.Vcpus is { } vcpus)
            {
                table.AddRow("vcpu resize", Output.Escape(vcpus.Describe()));
            }

            if (s.CpuQuota is { } quota)
            {
                table.AddRow("cpu quota", $"{quota.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} CPU");
            }

            if (s.IdleOn is { } lender)
            {
                table.AddRow("idle time of", $"{lender} (runs on its CPUs at idle priority; rfm reclaim {r.Name} --idle ends it)");
            }

            table.AddRow("partition", Output.Escape(Describe(s.Partition)));
            table.AddRow("memory nodes", r.Mems.ToString());
            table.AddRow("memory", $"{r.Memory} ({new ByteSize(s.MemoryUsedBytes)} used)");
            table.AddRow("processes", $"{s.Processes} (pids limit {r.PidsMax})");
            table.AddRow("guard", r.Privileged
                ? "PRIVILEGED: root inside is the host's root (created with --privileged)"
                : r.Guest is not null ? $"vm: a kernel of its own; QEMU runs as host uid {r.IdBase} with no capabilities, under its -sandbox seccomp filter, in its own mount namespace, 9p read-only (rfm audit {r.Name})"
                : $"user namespace: root inside is host uid {r.IdBase} ({IdRanges.Size} ids); runc's capabilities, seccomp, masked /proc and /sys (rfm audit {r.Name})");
            table.AddRow("root", r.RootFs == "/" ? "host / (copy-on-write)" : $"{Output.Escape(r.RootFs)} (copy-on-write)");
            table.AddRow("network", r.Address is null ? "loopback only" : $"loop {r.Address} ({r.Name}.rf)");
            table.AddRow("nics", r.Nics.Count == 0 ? "-" : string.Join(", ", r.Nics));
            table.AddRow("agent pid", $"{r.AgentPid}");
            table.AddRow("revision", $"{r.Revision}");
            table.AddRow("created", r.Created.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("cgroups", Output.Escape(string.Join(" ", supervisor.CgroupDirectories(r.Name))));
            Output.Write(table);
            return 0;
        });
        return command;
    }

    /// <summary>The backend in a word or two: <c>cell</c>, <c>kernel (kvm)</c>, or <c>kernel (emulated)</c> under TCG.</summary>
    internal static string BackendLabel(Supervisor.Ledger.SubOsRecord record) => record.Guest?.Label ?? record.Backend.ToText();

    /// <summary>What the kernel's cpuset partition means for the subOS's CPUs, in one line.</summary>
    internal static string Describe(PartitionState partition) => partition switch
    {
        { Kind: PartitionKind.None, Valid: true } => "none: its CPUs are exclusive in the ledger; host tasks may still run on them",
        { Kind: PartitionKind.None } => $"{partition}: not a state RainForest knows",
        { Valid: false } => $"{partition}: degraded, host tasks may run on its CPUs",
        { Kind: PartitionKind.Isolated } => "isolated: no other task runs on its CPUs, and none is balanced onto them",
        { Kind: PartitionKind.Root } => "root: no other task runs on its CPUs",
        _ => "member: it shares its CPUs with the rest of the supervisor's partition",
    };
}
