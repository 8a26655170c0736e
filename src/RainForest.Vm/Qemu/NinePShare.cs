namespace RainForest.Vm.Qemu;

/// <summary>A host directory shared into the guest over virtio-9p; the guest mounts it by <see cref="Tag"/>.</summary>
/// <param name="Tag">The mount tag (<c>mount -t 9p TAG DIR</c> inside).</param>
/// <param name="HostPath">The host directory.</param>
/// <param name="ReadOnly">Whether the guest may only read.</param>
/// <param name="Coherent">
/// Whether the guest must see changes made on the host side while it runs (a directory another subOS writes, a file
/// the supervisor rewrites): then the guest keeps no page cache of it (<c>cache=mmap</c>: only what a mapping needs).
/// </param>
public sealed record NinePShare(string Tag, string HostPath, bool ReadOnly = true, bool Coherent = false)
{
    /// <summary>
    /// The guest's mount options for this share: 9P2000.L over virtio with a 512 KiB message size
    /// (fewer round trips through QEMU), and the page cache kept (<c>cache=loose</c>), since the host
    /// side does not change under a read-only guest while it runs; <see cref="Coherent"/> shares are read afresh.
    /// </summary>
    public string MountOptions => $"trans=virtio,version=9p2000.L,msize=524288,cache={(Coherent ? "mmap" : "loose")}{(ReadOnly ? ",ro" : string.Empty)}";
}
