using RainForest.Core;

namespace RainForest.Vm.Qemu;

/// <summary>What a QEMU guest is started with: a direct kernel boot on a serial console, with no disk and no network.</summary>
public sealed class QemuOptions
{
    /// <summary>The QEMU program; found on PATH by name.</summary>
    public string Binary { get; init; } = "qemu-system-x86_64";

    /// <summary>TCG by default.</summary>
    public QemuAccelerator Accelerator { get; init; } = QemuAccelerator.Tcg;

    /// <summary>
    /// The guest CPU model. <c>max</c> gives every feature the accelerator can offer; under TCG the
    /// default <c>qemu64</c> lacks SSE4.2 and POPCNT, which .NET's x86-64-v2 baseline needs.
    /// </summary>
    public string CpuModel { get; init; } = "max";

    /// <summary>The machine type; the i440FX <c>pc</c> has the ACPI power-off a guest uses to end the run.</summary>
    public string Machine { get; init; } = "pc";

    /// <summary>Virtual CPUs.</summary>
    public int Cpus { get; init; } = 2;

    /// <summary>
    /// The most vCPUs the guest may ever have (<c>-smp N,maxcpus=M</c>): null for <see cref="Cpus"/>, where no vCPU
    /// can be hot-added; above it, QMP <c>device_add</c> plugs vCPUs into the free slots while the guest runs.
    /// </summary>
    public int? MaxCpus { get; init; }

    /// <summary>Guest memory.</summary>
    public ByteSize Memory { get; init; } = ByteSize.Parse("2560M");

    /// <summary>
    /// The most memory the guest may ever have, boot memory and hot-pluggable devices together
    /// (<c>-m SIZE,maxmem=MAX,slots=1</c>): null where nothing is hot-plugged. A virtio-mem device lies in the space
    /// between <see cref="Memory"/> and this.
    /// </summary>
    public ByteSize? MaxMemory { get; init; }

    /// <summary>The kernel image (<c>-kernel</c>).</summary>
    public required string KernelPath { get; init; }

    /// <summary>The initramfs (<c>-initrd</c>), if any.</summary>
    public string? InitrdPath { get; init; }

    /// <summary>The kernel command line (<c>-append</c>).</summary>
    public string KernelArguments { get; init; } = string.Empty;

    /// <summary>Host directories shared over virtio-9p.</summary>
    public IReadOnlyList<NinePShare> Shares { get; init; } = [];

    /// <summary>
    /// Where the serial console goes: null for QEMU's standard input and output (the launcher reads it as a pipe),
    /// or a file QEMU writes itself, which a daemonised QEMU (<c>-daemonize</c>, no stdio) needs.
    /// </summary>
    public string? ConsoleLogPath { get; init; }

    /// <summary>
    /// TCG's translation cache in MiB (<c>-accel tcg,tb-size=</c>); null for QEMU's default, which is up to 1 GiB and
    /// counts against a memory limit around QEMU.
    /// </summary>
    public int? TcgCacheMiB { get; init; }

    /// <summary>Host files shared as ivshmem-plain devices (FICM channels of a kernel subOS).</summary>
    public IReadOnlyList<IvshmemDevice> SharedMemory { get; init; } = [];

    /// <summary>
    /// QEMU's own seccomp filter (<c>-sandbox</c>), such as <see cref="StrictSandbox"/>; null for none. Its
    /// <c>elevateprivileges=deny</c> and <c>spawn=deny</c> forbid <c>setsid</c>, <c>fork</c> and <c>setuid</c> once QEMU has
    /// parsed its options, so it rules out <c>-daemonize</c> and <c>-runas</c>: the launcher drops privileges and
    /// detaches before QEMU starts.
    /// </summary>
    public string? Sandbox { get; init; }

    /// <summary>
    /// The 9p <c>security_model</c> of every share: <c>passthrough</c> (the default) for a QEMU that runs as root and
    /// keeps the host's owners; <c>none</c> for an unprivileged QEMU, which reads with its own uid and cannot change owners.
    /// </summary>
    public string NinePSecurityModel { get; init; } = "passthrough";

    /// <summary>
    /// libvirt's sandbox: QEMU's seccomp filter with obsolete calls, privilege changes (set*uid, setsid, ...), new
    /// processes and scheduler changes all denied; a denied call kills QEMU (SIGSYS), a scheduler change fails with EPERM.
    /// </summary>
    public const string StrictSandbox = "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny";

    /// <summary>Arguments appended as they are (devices the launcher does not model yet).</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
}
