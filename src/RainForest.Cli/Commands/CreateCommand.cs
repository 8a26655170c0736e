using System.CommandLine;
using RainForest.Supervisor.Json;
using RainForest.Core.Model;
using RainForest.Core;
using RainForest.Supervisor;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Kernels;
using RainForest.Vm.Qemu;

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
        var backend = new Option<string>("--backend")
        {
            Description = "cell (the host's kernel, namespaces and cgroups) or kernel (a Linux kernel of its own under QEMU)",
            DefaultValueFactory = _ => "cell",
        };
        var kernel = new Option<string?>("--kernel") { Description = "With --backend kernel: the kernel image to boot (default: the newest from 'rfm kernel fetch')" };
        var accel = new Option<string>("--accel") { Description = "With --backend kernel: auto (KVM where it boots a guest, else TCG), kvm or tcg", DefaultValueFactory = _ => "auto" };
        var share = new Option<string[]>("--share")
        {
            Description = "With --backend kernel: SRC:DIR[:MOUNTPOINT][:ro], the directory DIR of the running cell SRC, mounted at MOUNTPOINT (default DIR) in the guest over 9p (repeatable)",
        };
        var json = Globals.Json();
        var command = new Command("create", "Create a subOS with exclusive CPUs and its own memory, namespaces and root")
        {
            name, cpus, memory, rootfs, net, nic, pids, privileged, backend, kernel, accel, share, json,
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
                Backend = ParseBackend(parse.GetValue(backend)!),
                Guest = ParseGuest(parse.GetValue(backend)!, parse.GetValue(kernel), parse.GetValue(accel)!, parse.GetValue(share) ?? []),
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
                var guest = record.Guest is { } g ? $", {g.Label}, kernel {g.Release}" : string.Empty;
                var guard = record.Privileged ? ", PRIVILEGED (root inside is the host's root)" : string.Empty;
                Console.WriteLine($"created {record.Name}: cpus {record.Cpus}, memory {record.Memory}, node(s) {record.Mems}, pids limit {record.PidsMax}{address}{guard}{guest}");
            }

            return 0;
        });
        return command;
    }

    /// <summary>Reads <c>--backend</c>: <c>cell</c> or <c>kernel</c>.</summary>
    /// <exception cref="RfException">Anything else (exit code 2).</exception>
    internal static SubOsBackendKind ParseBackend(string text) =>
        EnumText.TryParse<SubOsBackendKind>(text, out var kind) ? kind : throw RfException.Invalid($"--backend {text}: expected cell or kernel");

    /// <summary>Reads <c>--kernel</c>, <c>--accel</c> and <c>--share</c>, which only a kernel subOS takes.</summary>
    /// <exception cref="RfException">One is given with another backend, <c>--accel</c> is not auto, kvm or tcg, or a share is malformed (exit code 2).</exception>
    internal static GuestSpec? ParseGuest(string backend, string? kernel, string accel, IReadOnlyList<string> shares)
    {
        var parsed = shares.Select(GuestShare.Parse).ToList();
        QemuAccelerator? accelerator = accel switch
        {
            "auto" => null,
            "kvm" => QemuAccelerator.Kvm,
            "tcg" => QemuAccelerator.Tcg,
            _ => throw RfException.Invalid($"--accel {accel}: expected auto, kvm or tcg"),
        };
        if (ParseBackend(backend) != SubOsBackendKind.Kernel)
        {
            if (parsed.Count > 0)
            {
                throw RfException.Invalid("--share is built for --backend kernel (a 9p device in the guest); a cell cannot be given another cell's directory yet: their roots live in separate mount namespaces");
            }

            return kernel is not null || accelerator is not null ? throw RfException.Invalid("--kernel and --accel need --backend kernel") : null;
        }

        return new GuestSpec { KernelPath = kernel, Accelerator = accelerator, Shares = parsed };
    }
}
