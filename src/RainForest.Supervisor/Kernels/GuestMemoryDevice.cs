namespace RainForest.Supervisor.Kernels;

/// <summary>How a kernel subOS's guest memory changes while it runs.</summary>
public enum GuestMemoryDevice
{
    /// <summary>It does not: the guest kernel has neither virtio_mem nor virtio_balloon (or it booted before live resize).</summary>
    None,

    /// <summary>
    /// A virtio-mem device between the boot memory and <c>maxmem</c>: QMP <c>qom-set requested-size</c>, and the
    /// guest's driver plugs or unplugs 2M blocks; it grows up to maxmem and shrinks down to the boot memory.
    /// </summary>
    VirtioMem,

    /// <summary>
    /// The balloon (QMP <c>balloon</c>), where the guest kernel lacks virtio_mem: it can only give back some of the
    /// memory the guest booted with and return it, never grow beyond that.
    /// </summary>
    Balloon,
}
