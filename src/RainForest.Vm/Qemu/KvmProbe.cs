using RainForest.Core;

namespace RainForest.Vm.Qemu;

/// <summary>
/// Finds out whether <c>/dev/kvm</c> boots a guest kernel: QEMU starts the kernel under KVM, with the CPU model the
/// kernel backend uses and no initramfs, and the kernel must get as far as its root-mount panic, which ends QEMU
/// (<c>panic=-1</c>, <c>-no-reboot</c>).
/// </summary>
/// <remarks>
/// The device node's presence proves little, and neither does firmware code: this CI machine's KVM runs a boot sector,
/// yet QEMU aborts setting up the vCPU's MSRs for <c>-cpu max</c> or <c>host</c> and a <c>qemu64</c> guest never gets
/// past its first instructions. A kernel that prints its banner and panics has booted; where KVM works that takes
/// about a second.
/// </remarks>
public static class KvmProbe
{
    /// <summary>What the kernel prints first on its console.</summary>
    private const string Banner = "Linux version";

    /// <summary>Runs the probe; null when the kernel booted under KVM, or the reason it did not.</summary>
    /// <param name="kernelPath">The guest kernel (bzImage).</param>
    /// <param name="cpuModel">The CPU model guests get (<see cref="QemuOptions.CpuModel"/>).</param>
    /// <param name="timeout">How long the boot may take.</param>
    /// <param name="qemu">The QEMU program.</param>
    public static string? Run(string kernelPath, string cpuModel = "max", TimeSpan? timeout = null, string qemu = "qemu-system-x86_64")
    {
        if (!File.Exists("/dev/kvm"))
        {
            return "/dev/kvm does not exist";
        }

        var binary = HostCommand.Find(qemu);
        if (binary is null)
        {
            return $"{qemu} is not installed";
        }

        var limit = timeout ?? TimeSpan.FromSeconds(15);
        var (code, stdout, stderr) = HostCommand.TryRun(binary,
            ["-nodefaults", "-no-user-config", "-display", "none", "-no-reboot", "-accel", "kvm", "-machine", "pc", "-cpu", cpuModel, "-m", "128",
             "-kernel", kernelPath, "-append", "console=ttyS0 panic=-1", "-chardev", "stdio,id=console,signal=off", "-serial", "chardev:console"],
            timeout: limit);
        if (code == 0 && stdout.Contains(Banner, StringComparison.Ordinal))
        {
            return null;
        }

        var last = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => !l.Contains("warning:", StringComparison.Ordinal));
        return code == -1
            ? $"a guest kernel did not boot under KVM within {limit.TotalSeconds:0} s"
            : $"QEMU exited {code} booting a guest kernel under KVM{(last is null ? string.Empty : ": " + last)}";
    }
}
