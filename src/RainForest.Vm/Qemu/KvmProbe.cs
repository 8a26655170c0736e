using RainForest.Core;

namespace RainForest.Vm.Qemu;

/// <summary>
/// Finds out whether <c>/dev/kvm</c> can run a guest: QEMU boots, under KVM, a one-sector disk whose boot code writes
/// a byte to the <c>isa-debug-exit</c> port, which ends QEMU with <c>(byte &lt;&lt; 1) | 1</c>.
/// </summary>
/// <remarks>
/// The device node's presence proves little: a nested or restricted host may open it and still fail to enter the
/// guest (this CI machine's does). Running real guest code through the firmware and back out is the least that
/// shows a guest boots, and takes well under a second where KVM works.
/// </remarks>
public static class KvmProbe
{
    /// <summary>The byte the boot code writes.</summary>
    private const byte Marker = 0x2A;

    /// <summary>The exit code QEMU ends with when the boot code ran.</summary>
    public const int ExpectedExitCode = (Marker << 1) | 1;

    // mov al, 0x2a; out 0xf4, al; cli; hlt; jmp $-1
    private static readonly byte[] s_bootCode = [0xB0, Marker, 0xE6, 0xF4, 0xFA, 0xF4, 0xEB, 0xFD];

    /// <summary>Runs the probe; null when a guest ran under KVM, or the reason it did not.</summary>
    /// <param name="qemu">The QEMU program.</param>
    /// <param name="timeout">How long the firmware and boot code may take.</param>
    public static string? Run(string qemu = "qemu-system-x86_64", TimeSpan? timeout = null)
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

        var image = Path.Combine(Path.GetTempPath(), $"rf-kvm-probe-{Guid.NewGuid():N}.img");
        try
        {
            var disk = new byte[64 * 1024];
            s_bootCode.CopyTo(disk, 0);
            disk[510] = 0x55;
            disk[511] = 0xAA;
            File.WriteAllBytes(image, disk);
            var (code, _, stderr) = HostCommand.TryRun(binary,
                ["-nodefaults", "-no-user-config", "-display", "none", "-accel", "kvm", "-machine", "pc", "-m", "16",
                 "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-drive", $"file={image},format=raw,if=ide"],
                timeout: timeout ?? TimeSpan.FromSeconds(20));
            if (code == ExpectedExitCode)
            {
                return null;
            }

            var last = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            return code == -1 ? "the probe guest did not finish under KVM" : $"QEMU exited {code} under KVM{(last is null ? string.Empty : ": " + last)}";
        }
        finally
        {
            File.Delete(image);
        }
    }
}
