using RainForest.Core;
using RainForest.Linux.Kernel;
using RainForest.Supervisor.Kernels;

namespace RainForest.Supervisor.Tests.Unit;

/// <summary>
/// Where a kernel subOS's guest memory comes from: the huge page pools read from fixture <c>/sys</c> trees (global and
/// per-node counts), and the choice for the boot memory and the hot-pluggable part with the QEMU options it makes.
/// </summary>
public sealed class GuestMemoryBackingTests : IDisposable
{
    private const long MiB = ByteSize.MiB;
    private static readonly ByteSize s_block = KernelBackend.MemoryBlock;
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    /// <summary>A pool of <paramref name="kib"/> pages: the host's free and reserved counts, and each node's free count.</summary>
    private void Pool(int kib, long free, long reserved = 0, params long[] freeOnNode)
    {
        var name = $"hugepages-{kib}kB";
        _root.Write($"sys/kernel/mm/hugepages/{name}/free_hugepages", $"{free}\n");
        _root.Write($"sys/kernel/mm/hugepages/{name}/resv_hugepages", $"{reserved}\n");
        _root.Write($"sys/kernel/mm/hugepages/{name}/nr_hugepages", $"{free}\n");
        for (var node = 0; node < freeOnNode.Length; node++)
        {
            _root.Write($"sys/devices/system/node/node{node}/hugepages/{name}/free_hugepages", $"{freeOnNode[node]}\n");
        }
    }

    private IReadOnlyList<HugePagePool> Read(string nodes) => HugePagePool.Read(KernelFiles.At(_root.Root), NodeSet.Parse(nodes));

    [Fact]
    public void Read_NoHugePagesDirectory_NoPools()
    {
        Assert.Empty(Read("0"));
    }

    [Fact]
    public void Read_TwoSizes_SmallestFirstWithTheFreeLessTheReserved()
    {
        Pool(1048576, free: 2);
        Pool(2048, free: 300, reserved: 44);

        var pools = Read("0");

        Assert.Equal([new HugePagePool(ByteSize.FromMiB(2), 256 * 2 * MiB), new HugePagePool(ByteSize.Parse("1G"), 2L * 1024 * MiB)], pools);
    }

    [Fact]
    public void Read_PerNodeCounts_OnlyTheSubOsNodesFreePagesCount()
    {
        Pool(2048, free: 300, reserved: 0, 100, 200);

        Assert.Equal(100 * 2 * MiB, Read("0").Single().FreeBytes);
        Assert.Equal(200 * 2 * MiB, Read("1").Single().FreeBytes);
        Assert.Equal(300 * 2 * MiB, Read("0-1").Single().FreeBytes);
    }

    [Fact]
    public void Read_NodesFreeMoreThanTheHostsUnreserved_TheHostsUnreservedCount()
    {
        // Pages free on the node but promised to a mapping already made (resv_hugepages) are not the guest's.
        Pool(2048, free: 300, reserved: 250, 300);

        Assert.Equal(50 * 2 * MiB, Read("0").Single().FreeBytes);
    }

    [Fact]
    public void Read_ReservedBeyondFree_NothingFree()
    {
        Pool(2048, free: 10, reserved: 20);

        Assert.Equal(0, Read("0").Single().FreeBytes);
    }

    [Fact]
    public void Choose_NoPools_OrdinaryPagesAndThe2MBlock()
    {
        var backing = GuestMemoryBacking.Choose([], 256 * MiB, 128 * MiB, s_block);

        Assert.Equal(new GuestMemoryBacking(null, null, s_block), backing);
        Assert.Equal("memory-backend-memfd,id=rf-ram,size=256M,share=on,policy=bind,host-nodes=0", backing.BootBackend("rf-ram", 256 * MiB, NodeSet.Of(0)));
        Assert.Equal("memory-backend-memfd,id=rf-hot,size=3840M,share=on,policy=bind,host-nodes=0-1", backing.HotBackend("rf-hot", 3840 * MiB, NodeSet.Parse("0-1")));
        Assert.Equal("block-size=2M", backing.VirtioMemOptions);
    }

    [Fact]
    public void Choose_EnoughFor2MPages_BothPartsOnHugePagesSparseAndPreallocatedOnPlug()
    {
        Pool(2048, free: 256, reserved: 0, 256);

        var backing = GuestMemoryBacking.Choose(Read("0"), 256 * MiB, 128 * MiB, s_block);

        Assert.Equal(ByteSize.FromMiB(2), backing.BootPageSize);
        Assert.Equal(ByteSize.FromMiB(2), backing.HotPageSize);
        Assert.Equal(
            "memory-backend-memfd,id=rf-ram,size=256M,share=on,policy=bind,host-nodes=0,hugetlb=on,hugetlbsize=2M",
            backing.BootBackend("rf-ram", 256 * MiB, NodeSet.Of(0)));
        Assert.Equal(
            "memory-backend-memfd,id=rf-hot,size=3840M,share=on,policy=bind,host-nodes=0,hugetlb=on,hugetlbsize=2M,reserve=off",
            backing.HotBackend("rf-hot", 3840 * MiB, NodeSet.Of(0)));
        Assert.Equal("block-size=2M,prealloc=on", backing.VirtioMemOptions);
    }

    [Fact]
    public void Choose_EnoughForTheBootMemoryOnly_HotPartOnOrdinaryPages()
    {
        // 200 pages: the boot memory's 128 fit, the 128 the guest plugs at boot do not fit in the 72 left.
        Pool(2048, free: 200, reserved: 0, 200);

        var backing = GuestMemoryBacking.Choose(Read("0"), 256 * MiB, 256 * MiB, s_block);

        Assert.Equal(ByteSize.FromMiB(2), backing.BootPageSize);
        Assert.Null(backing.HotPageSize);
        Assert.Equal("block-size=2M", backing.VirtioMemOptions);
    }

    [Fact]
    public void Choose_TooFewForTheBootMemory_TheHotPartMayStillTakeThem()
    {
        Pool(2048, free: 100, reserved: 0, 100);

        var backing = GuestMemoryBacking.Choose(Read("0"), 256 * MiB, 128 * MiB, s_block);

        Assert.Null(backing.BootPageSize);
        Assert.Equal(ByteSize.FromMiB(2), backing.HotPageSize);
    }

    [Fact]
    public void Choose_NothingPluggedAtBoot_HugePagesForTheHotPartOnlyWithAPageFree()
    {
        Pool(2048, free: 128, reserved: 0, 128);

        // The boot memory takes all 128 pages: none is left for a plug.
        Assert.Null(GuestMemoryBacking.Choose(Read("0"), 256 * MiB, 0, s_block).HotPageSize);
        Assert.Equal(ByteSize.FromMiB(2), GuestMemoryBacking.Choose(Read("0"), 128 * MiB, 0, s_block).HotPageSize);
    }

    [Fact]
    public void Choose_PagesFreeOnAnotherNode_OrdinaryPages()
    {
        Pool(2048, free: 512, reserved: 0, 0, 512);

        var backing = GuestMemoryBacking.Choose(Read("0"), 256 * MiB, 128 * MiB, s_block);

        Assert.Equal(new GuestMemoryBacking(null, null, s_block), backing);
        Assert.Equal(ByteSize.FromMiB(2), GuestMemoryBacking.Choose(Read("1"), 256 * MiB, 128 * MiB, s_block).HotPageSize);
    }

    [Fact]
    public void Choose_Only1GPages_BootMemoryOfWholeGigabytesTakesThemTheHotPartNever()
    {
        // A 1G page is larger than virtio-mem's 2M block: every size would have to come in 1G blocks.
        Pool(1048576, free: 8, reserved: 0, 8);

        var gigabytes = GuestMemoryBacking.Choose(Read("0"), 2048 * MiB, null, s_block);
        var boot256 = GuestMemoryBacking.Choose(Read("0"), 256 * MiB, 1024 * MiB, s_block);

        Assert.Equal(ByteSize.Parse("1G"), gigabytes.BootPageSize);
        Assert.Equal("memory-backend-memfd,id=rf-ram,size=2048M,share=on,policy=bind,host-nodes=0,hugetlb=on,hugetlbsize=1G", gigabytes.BootBackend("rf-ram", 2048 * MiB, NodeSet.Of(0)));
        Assert.Equal(new GuestMemoryBacking(null, null, s_block), boot256);
    }

    [Fact]
    public void Choose_BothSizes_TheSmallestThatFits()
    {
        Pool(2048, free: 64, reserved: 0, 64);
        Pool(1048576, free: 4, reserved: 0, 4);

        // 2M pages cannot hold 1G of boot memory (64 x 2M = 128M); 1G pages can.
        var backing = GuestMemoryBacking.Choose(Read("0"), 1024 * MiB, 64 * MiB, s_block);

        Assert.Equal(ByteSize.Parse("1G"), backing.BootPageSize);
        Assert.Equal(ByteSize.FromMiB(2), backing.HotPageSize);
    }
}
