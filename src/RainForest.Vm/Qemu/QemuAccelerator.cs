namespace RainForest.Vm.Qemu;

/// <summary>How QEMU runs the guest's instructions.</summary>
public enum QemuAccelerator
{
    /// <summary>QEMU's own translator: slow, but needs nothing from the host (this CI machine's /dev/kvm cannot boot a guest).</summary>
    Tcg,

    /// <summary>The host's KVM (<c>/dev/kvm</c>).</summary>
    Kvm,
}
