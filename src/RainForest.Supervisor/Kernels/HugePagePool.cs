using System.Globalization;
using RainForest.Core;
using RainForest.Linux.Kernel;

namespace RainForest.Supervisor.Kernels;

/// <summary>One huge page size the host offers, and how much of it a guest bound to some NUMA nodes could take now.</summary>
/// <param name="PageSize">The page size (<c>/sys/kernel/mm/hugepages/hugepages-2048kB</c>: 2M).</param>
/// <param name="FreeBytes">
/// Free pages of that size on the nodes, in bytes: the free ones on each node where the kernel counts them per node,
/// and never more than the host's free pages not already promised to a mapping (<c>free_hugepages</c> less
/// <c>resv_hugepages</c>).
/// </param>
internal sealed record HugePagePool(ByteSize PageSize, long FreeBytes)
{
    private const string Prefix = "hugepages-";
    private const string Suffix = "kB";

    /// <summary>
    /// The huge page pools of <paramref name="kernel"/> (<see cref="KernelFiles.Host"/>, or a fixture tree in tests),
    /// smallest page first; none where the kernel has no huge pages.
    /// </summary>
    /// <remarks>
    /// QEMU binds the guest's memory to <paramref name="nodes"/> (<c>policy=bind</c>), so a page free on another node is
    /// no use to it: where <c>/sys/devices/system/node/nodeN/hugepages</c> counts them, only the nodes' free pages count.
    /// </remarks>
    public static IReadOnlyList<HugePagePool> Read(KernelFiles kernel, NodeSet nodes)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(nodes);
        var pools = new List<HugePagePool>();
        foreach (var name in kernel.DirectoryNames(kernel.PathOf("/sys/kernel/mm/hugepages")))
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal) || !name.EndsWith(Suffix, StringComparison.Ordinal)
                || !long.TryParse(name.AsSpan(Prefix.Length, name.Length - Prefix.Length - Suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var kib) || kib <= 0)
            {
                continue;
            }

            var free = Count(kernel, $"/sys/kernel/mm/hugepages/{name}/free_hugepages") - Count(kernel, $"/sys/kernel/mm/hugepages/{name}/resv_hugepages");
            var perNode = nodes.Select(n => string.Create(CultureInfo.InvariantCulture, $"/sys/devices/system/node/node{n}/hugepages/{name}/free_hugepages")).ToList();
            if (perNode.Count > 0 && perNode.All(f => kernel.FileExists(kernel.PathOf(f))))
            {
                free = Math.Min(free, perNode.Sum(f => Count(kernel, f)));
            }

            pools.Add(new HugePagePool(new ByteSize(kib * 1024), Math.Max(0, free) * kib * 1024));
        }

        return [.. pools.OrderBy(p => p.PageSize.Bytes)];
    }

    /// <summary>A page count the kernel wrote, or 0 where the file is missing or holds none.</summary>
    private static long Count(KernelFiles kernel, string file)
    {
        try
        {
            return long.TryParse(kernel.ReadText(kernel.PathOf(file))?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pages) ? pages : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
