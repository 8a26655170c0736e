using System.Globalization;
using RainForest.Core;

namespace RainForest.Vm.Qemu;

/// <summary>Builds QEMU's argument list from <see cref="QemuOptions"/>.</summary>
public static class QemuCommandLine
{
    /// <summary>The chardev id of the serial console, which QEMU connects to its standard output.</summary>
    public const string ConsoleId = "console";

    /// <summary>
    /// The arguments after the program name. The guest gets nothing by default (<c>-nodefaults</c>:
    /// no display, monitor, network card or disk); its first serial port is QEMU's stdin/stdout
    /// without signal handling, so the launcher reads the console as a pipe and a stray Ctrl-C in
    /// the console never reaches QEMU. <c>-no-reboot</c> makes a guest reboot (or a panic with
    /// <c>panic=-1</c>) end QEMU instead of booting again.
    /// </summary>
    /// <exception cref="RfException">A count, size or path is not usable (exit code 2).</exception>
    public static IReadOnlyList<string> Build(QemuOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Cpus < 1)
        {
            throw RfException.Invalid($"a guest needs at least one CPU, not {options.Cpus}");
        }

        if (options.Memory.Bytes < 64 * ByteSize.MiB)
        {
            throw RfException.Invalid($"a guest needs at least 64M of memory, not {options.Memory}");
        }

        if (options.MaxCpus is { } maxCpus && maxCpus < options.Cpus)
        {
            throw RfException.Invalid($"maxcpus {maxCpus} is below the {options.Cpus} vCPUs the guest boots with");
        }

        if (options.MaxMemory is { } maxMemory && maxMemory <= options.Memory)
        {
            throw RfException.Invalid($"maxmem {maxMemory} must exceed the {options.Memory} the guest boots with");
        }

        var args = new List<string>
        {
            "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
            "-accel", options.Accelerator == QemuAccelerator.Kvm ? "kvm"
                : options.TcgCacheMiB is { } cache ? string.Create(CultureInfo.InvariantCulture, $"tcg,tb-size={cache}") : "tcg",
            "-machine", options.Machine,
            "-cpu", options.CpuModel,
            "-smp", options.MaxCpus is { } max ? string.Create(CultureInfo.InvariantCulture, $"{options.Cpus},maxcpus={max}") : options.Cpus.ToString(CultureInfo.InvariantCulture),
            "-m", options.MaxMemory is { } most
                ? string.Create(CultureInfo.InvariantCulture, $"{options.Memory.Bytes / ByteSize.MiB}M,maxmem={most.Bytes / ByteSize.MiB}M,slots=1")
                : $"{options.Memory.Bytes / ByteSize.MiB}M",
            "-kernel", options.KernelPath,
        };
        if (options.Sandbox is { } sandbox)
        {
            args.AddRange(["-sandbox", sandbox]);
        }

        if (options.InitrdPath is { } initrd)
        {
            args.AddRange(["-initrd", initrd]);
        }

        if (options.KernelArguments.Length > 0)
        {
            args.AddRange(["-append", options.KernelArguments]);
        }

        if (options.ConsoleLogPath is { } log)
        {
            if (log.Contains(',', StringComparison.Ordinal) || !Path.IsPathRooted(log))
            {
                throw RfException.Invalid($"console log {log}: an absolute path without commas");
            }

            args.AddRange(["-chardev", $"file,id={ConsoleId},path={log}", "-serial", $"chardev:{ConsoleId}"]);
        }
        else
        {
            args.AddRange(["-chardev", $"stdio,id={ConsoleId},signal=off", "-serial", $"chardev:{ConsoleId}"]);
        }
        var index = 0;
        var tags = new HashSet<string>(StringComparer.Ordinal);
        foreach (var share in options.Shares)
        {
            if (!tags.Add(share.Tag))
            {
                throw RfException.Invalid($"9p mount tag '{share.Tag}' is given twice");
            }

            if (share.Tag.Length is 0 or > 31 || share.Tag.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '_' and not '-'))
            {
                throw RfException.Invalid($"9p mount tag '{share.Tag}': 1 to 31 letters, digits, '_' or '-'");
            }

            if (share.HostPath.Contains(',', StringComparison.Ordinal) || !Path.IsPathRooted(share.HostPath))
            {
                throw RfException.Invalid($"9p share {share.HostPath}: an absolute path without commas");
            }

            // passthrough keeps the host's owners and modes (the guest's root reads what the host's
            // root reads); multidevs=remap keeps inode numbers unique across the host's mounts.
            var id = $"fs{index++}";
            args.AddRange([
                "-fsdev", $"local,id={id},path={share.HostPath},security_model={options.NinePSecurityModel},multidevs=remap{(share.ReadOnly ? ",readonly=on" : string.Empty)}",
                "-device", $"virtio-9p-pci,fsdev={id},mount_tag={share.Tag}",
            ]);
        }

        foreach (var device in options.SharedMemory)
        {
            args.AddRange(device.CommandLine());
        }

        args.AddRange(options.ExtraArguments);
        return args;
    }
}
