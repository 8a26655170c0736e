using System.Globalization;
using RainForest.Core;

namespace RainForest.Supervisor.Kernels;

/// <summary>
/// Where a kernel subOS's guest memory comes from: each part (the fixed boot memory and the hot-pluggable memory under
/// virtio-mem) is a memfd bound to the nodes of the subOS's CPUs, of huge pages where the host has enough of them free
/// there, else of ordinary pages; and the virtio-mem block, a multiple of the hot part's page.
/// </summary>
/// <param name="BootPageSize">The huge page size of the boot memory; null for ordinary pages.</param>
/// <param name="HotPageSize">The huge page size of the hot-pluggable memory; null for ordinary pages (or no such part).</param>
/// <param name="Block">virtio-mem's block: what the guest plugs and unplugs at a time.</param>
internal sealed record GuestMemoryBacking(ByteSize? BootPageSize, ByteSize? HotPageSize, ByteSize Block)
{
    /// <summary>
    /// Chooses the pages of each part from the host's pools (<see cref="HugePagePool.Read"/>, smallest page first): the
    /// boot memory takes the smallest huge page that divides it and of which enough lies free for all of it; the hot
    /// part then the smallest that divides <paramref name="block"/> (so that every block is whole pages) and of which
    /// enough is left for what the guest plugs at boot, and at least one page. Ordinary pages otherwise.
    /// </summary>
    /// <remarks>
    /// The hot part is as large as the pool's memory but sparse: QEMU maps it without reserving huge pages
    /// (<c>reserve=off</c>), and virtio-mem preallocates each block as the guest plugs it (<c>prealloc=on</c>), so that
    /// a later grow the host's huge pages cannot cover fails as a plug the guest is refused, rather than as a SIGBUS
    /// that kills QEMU. A page larger than the block (1G against 2M) is never taken for the hot part: every subOS
    /// size would then have to come in blocks of that page.
    /// </remarks>
    /// <param name="pools">The host's huge page pools on the subOS's nodes.</param>
    /// <param name="bootBytes">The boot memory.</param>
    /// <param name="hotBytes">The hot-pluggable memory the guest plugs at boot; null where it has no hot-pluggable part.</param>
    /// <param name="block">virtio-mem's block (<see cref="KernelBackend.MemoryBlock"/>).</param>
    public static GuestMemoryBacking Choose(IReadOnlyList<HugePagePool> pools, long bootBytes, long? hotBytes, ByteSize block)
    {
        ArgumentNullException.ThrowIfNull(pools);
        var ordered = pools.OrderBy(p => p.PageSize.Bytes).ToList();
        var boot = ordered.FirstOrDefault(p => bootBytes % p.PageSize.Bytes == 0 && p.FreeBytes >= bootBytes);
        HugePagePool? hot = null;
        if (hotBytes is { } wanted)
        {
            hot = ordered.FirstOrDefault(p => block.Bytes % p.PageSize.Bytes == 0
                && p.FreeBytes - (p == boot ? bootBytes : 0) >= Math.Max(wanted, p.PageSize.Bytes));
        }

        return new GuestMemoryBacking(boot?.PageSize, hot?.PageSize, block);
    }

    /// <summary>QEMU's <c>-object</c> for the boot memory: <paramref name="bytes"/> of memfd bound to <paramref name="nodes"/>.</summary>
    public string BootBackend(string id, long bytes, NodeSet nodes) => Backend(id, bytes, nodes, BootPageSize, string.Empty);

    /// <summary>QEMU's <c>-object</c> for the hot-pluggable memory, sparse: huge pages are neither reserved nor taken until plugged.</summary>
    public string HotBackend(string id, long bytes, NodeSet nodes) => Backend(id, bytes, nodes, HotPageSize, ",reserve=off");

    /// <summary>The virtio-mem device's options for its block and, over huge pages, preallocation on plug.</summary>
    public string VirtioMemOptions =>
        $"block-size={Block}{(HotPageSize is null ? string.Empty : ",prealloc=on")}";

    private static string Backend(string id, long bytes, NodeSet nodes, ByteSize? pages, string hugeOnly) =>
        string.Create(CultureInfo.InvariantCulture, $"memory-backend-memfd,id={id},size={bytes / ByteSize.MiB}M,share=on,policy=bind,host-nodes={nodes}")
        + (pages is { } size ? $",hugetlb=on,hugetlbsize={size}{hugeOnly}" : string.Empty);
}
