using System.Text.Json.Serialization;
using RainForest.Vm.Qemu;

namespace RainForest.Supervisor.Kernels;

/// <summary>
/// The guest of a kernel subOS: which kernel it boots and how QEMU runs it. As asked (<c>--kernel</c>, <c>--accel</c>)
/// fields may be null; the kernel backend's <see cref="KernelBackend.Check"/> fills them, and the ledger records that.
/// </summary>
public sealed record GuestSpec
{
    /// <summary>KVM or TCG; null asks for KVM where a probe shows it boots a guest, else TCG.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<QemuAccelerator>))]
    public QemuAccelerator? Accelerator { get; init; }

    /// <summary>The kernel image (bzImage) QEMU boots; null for the newest in RainForest's kernel cache.</summary>
    public string? KernelPath { get; init; }

    /// <summary>Its release (<c>uname -r</c> inside).</summary>
    public string? Release { get; init; }

    /// <summary>Its modules directory (<c>lib/modules/RELEASE</c>), from which the initramfs takes 9p, virtio and overlay.</summary>
    public string? ModulesDirectory { get; init; }

    /// <summary>Directories of other subOSes shared into the guest over 9p (RFfuse, <c>--share</c>); empty for none.</summary>
    public IReadOnlyList<GuestShare> Shares { get; init; } = [];

    /// <summary>True when QEMU emulates the CPU (TCG): correct but many times slower than the host.</summary>
    public bool Emulated => Accelerator == QemuAccelerator.Tcg;

    /// <summary>How <c>ls</c> and <c>show</c> name the backend of a subOS with this guest.</summary>
    public string Label => Emulated ? "kernel (emulated)" : "kernel (kvm)";

    /// <summary>Field-by-field equality (the shares by content).</summary>
    public bool Equals(GuestSpec? other) =>
        other is not null && Accelerator == other.Accelerator && KernelPath == other.KernelPath && Release == other.Release
        && ModulesDirectory == other.ModulesDirectory && Shares.SequenceEqual(other.Shares);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Accelerator, KernelPath, Release, ModulesDirectory, Shares.Count);
}
