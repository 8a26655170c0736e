using RainForest.Core.Model;
using RainForest.Core.Topology;

namespace RainForest.Core.Tests.Model;

/// <summary>The allocation rules on S-A with the default reserve: the first core of each node (0,6,12,18) and 1G.</summary>
public class ResourcePoolTests
{
    private static readonly ByteSize s_reserveMemory = ByteSize.Parse("1G");

    private static ResourcePool Pool(params (string Name, string Cpus, string Memory)[] owners) => Pool(SaMachine.Build(), owners);

    private static ResourcePool Pool(MachineTopology machine, params (string Name, string Cpus, string Memory)[] owners) =>
        new(
            machine,
            machine.FirstCorePerNode(),
            s_reserveMemory,
            owners.ToDictionary(o => o.Name, o => new SubOsAllocation(CpuSet.Parse(o.Cpus), ByteSize.Parse(o.Memory))));

    private static CpuRequest Request(string text) => CpuRequest.Parse(text, allowRelative: true);

    private static RfException Invalid(Action action)
    {
        var e = Assert.Throws<RfException>(action);
        Assert.Equal(RfException.InvalidInputExitCode, e.ExitCode);
        return e;
    }

    private static void AssertWholeCores(CpuSet cpus)
    {
        Assert.All(cpus, c => Assert.Contains(SaMachine.SiblingOf(c), cpus));
    }

    [Fact]
    public void Properties_NoOwners_EverythingButTheReserveIsFree()
    {
        var pool = Pool();

        Assert.Equal("0-23", pool.Online.ToString());
        Assert.Equal("0,6,12,18", pool.ReserveCpus.ToString());
        Assert.Equal("1-5,7-11,13-17,19-23", pool.FreeCpus.ToString());
        Assert.True(pool.OwnedCpus.IsEmpty);
        Assert.Equal(ByteSize.Zero, pool.OwnedMemory);
        Assert.Equal(ByteSize.Parse("32G"), pool.MemoryTotal);
        Assert.Equal(ByteSize.Parse("31G"), pool.FreeMemory);
    }

    [Fact]
    public void Properties_WithOwners_SubtractOwnedCpusAndMemory()
    {
        var pool = Pool(("a", "1-2,13-14", "4G"), ("b", "7", "512M"));

        Assert.Equal("1-2,7,13-14", pool.OwnedCpus.ToString());
        Assert.Equal("3-5,8-11,15-17,19-23", pool.FreeCpus.ToString());
        Assert.Equal(ByteSize.Parse("4.5G"), pool.OwnedMemory);
        Assert.Equal(ByteSize.Parse("26.5G"), pool.FreeMemory);
    }

    [Theory]
    [InlineData(1, "1")]
    [InlineData(2, "1,13")]
    [InlineData(4, "1-2,13-14")]
    [InlineData(6, "1-3,13-15")]
    [InlineData(10, "1-5,13-17")]
    public void AllocateNew_CountThatFitsOneNode_TakesWholeCoresOfNode0(int count, string expected)
    {
        var cpus = Pool().AllocateNew(Request(count.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(expected, cpus.ToString());
        Assert.All(cpus, c => Assert.Equal(0, SaMachine.NodeOf(c)));
        if (count % 2 == 0)
        {
            AssertWholeCores(cpus);
        }
    }

    [Fact]
    public void AllocateNew_HomeNodeTooFull_TakesTheNodeWhereAllFit()
    {
        // Node 0 keeps one free CPU (17); node 1 all ten.
        var pool = Pool(("a", "1-5,13-16", "1G"));

        var cpus = pool.AllocateNew(Request("4"));

        Assert.Equal("7-8,19-20", cpus.ToString());
    }

    [Fact]
    public void AllocateNew_HalfFreeCore_PrefersWholeCores()
    {
        // CPU 15 is free but its sibling 3 is owned: a subOS taking 15 would share a core with 'a'.
        var pool = Pool(("a", "1-3,13-14", "1G"));

        var cpus = pool.AllocateNew(Request("2"));

        Assert.Equal("4,16", cpus.ToString());
        AssertWholeCores(cpus);
    }

    [Fact]
    public void AllocateNew_OnlyHalfCoresLeftOnNode_UsesThem()
    {
        // Node 0 has only 15 and 17 free (their siblings are owned); a request for 2 fits node 0.
        var pool = Pool(("a", "1-5,13-14,16", "1G"));

        var cpus = pool.AllocateNew(Request("2"));

        Assert.Equal("15,17", cpus.ToString());
    }

    [Fact]
    public void AllocateNew_MoreThanOneNodeHolds_SpansNodes()
    {
        var cpus = Pool().AllocateNew(Request("12"));

        Assert.Equal(12, cpus.Count);
        Assert.True(cpus.IsSubsetOf(CpuSet.Parse("1-5,7-11,13-17,19-23")));
        Assert.Equal(10, cpus.Count(c => SaMachine.NodeOf(c) == 0));
    }

    [Fact]
    public void AllocateNew_EveryFreeCpu_Succeeds()
    {
        var pool = Pool();

        Assert.Equal(pool.FreeCpus, pool.AllocateNew(Request("20")));
    }

    [Fact]
    public void AllocateNew_NothingReservedAndNothingFree_SaysTheSupervisorKeepsNone()
    {
        var machine = SaMachine.Build();
        var pool = new ResourcePool(machine, CpuSet.Empty, s_reserveMemory,
            new Dictionary<string, SubOsAllocation> { ["a"] = new(CpuSet.Parse("0-23"), ByteSize.Parse("1G")) });

        var e = Invalid(() => pool.AllocateNew(Request("1")));

        Assert.Contains("(none; supervisor keeps none)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AllocateNew_MoreThanFree_RefusedSayingWhatIsFree()
    {
        var pool = Pool(("a", "1-5,13-17", "1G"), ("b", "7-11,19-22", "1G"));

        var e = Invalid(() => pool.AllocateNew(Request("2")));

        Assert.Contains("2 CPU(s) wanted but only 1 free (23", e.Message, StringComparison.Ordinal);
        Assert.Contains("supervisor keeps 0,6,12,18", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AllocateNew_NothingFree_SaysNone()
    {
        var pool = Pool(("a", "1-5,7-11,13-17,19-23", "1G"));

        var e = Invalid(() => pool.AllocateNew(Request("1")));

        Assert.Contains("only 0 free (none;", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AllocateNew_FreeList_ReturnsIt()
    {
        var pool = Pool(("a", "1-2", "1G"));

        Assert.Equal("3-4,15", pool.AllocateNew(Request("3-4,15")).ToString());
    }

    [Fact]
    public void AllocateNew_ListWithReservedCpu_RefusedNamingTheCpu()
    {
        var e = Invalid(() => Pool().AllocateNew(Request("5-6")));

        Assert.Contains("CPU 6 belongs to the supervisor partition", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AllocateNew_ListWithOwnedCpu_RefusedNamingCpuAndOwner()
    {
        var pool = Pool(("web", "2-3", "1G"));

        var e = Invalid(() => pool.AllocateNew(Request("3-4")));

        Assert.Contains("CPU 3 is owned by subOS 'web'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AllocateNew_ListWithOfflineCpu_RefusedNamingTheCpu()
    {
        var pool = Pool(SaMachine.Build(offline: 23));

        var e = Invalid(() => pool.AllocateNew(Request("22-23")));

        Assert.Contains("CPU 23 does not exist or is offline (online: 0-22)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AllocateNew_ListWithMissingCpu_RefusedNamingTheCpu()
    {
        var e = Invalid(() => Pool().AllocateNew(Request("23-25")));

        Assert.Contains("CPU 24-25 does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AllocateNew_OfflineCpu_NeverPickedForACount()
    {
        var pool = Pool(SaMachine.Build(offline: [1, 2, 3, 4, 5]));

        var cpus = pool.AllocateNew(Request("5"));

        Assert.False(cpus.Overlaps(CpuSet.Parse("1-5")));
        Assert.Equal("13-17", cpus.ToString());
    }

    [Theory]
    [InlineData("+1")]
    [InlineData("-1")]
    public void AllocateNew_Change_Refused(string text)
    {
        var e = Invalid(() => Pool().AllocateNew(Request(text)));

        Assert.Contains("a new subOS takes a count or a list", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resize_AddOnNode1_StaysOnNode1()
    {
        // Node 0 is lower and entirely free, but the subOS lives on node 1.
        var pool = Pool(("a", "7,19", "1G"));

        var cpus = pool.Resize("a", Request("+2"));

        Assert.Equal("7-8,19-20", cpus.ToString());
        Assert.All(cpus, c => Assert.Equal(1, SaMachine.NodeOf(c)));
    }

    [Fact]
    public void Resize_AddMoreThanHomeNodeHas_SpillsToTheOtherNode()
    {
        var pool = Pool(("a", "7-11,19-22", "1G"));

        var cpus = pool.Resize("a", Request("+2"));

        Assert.Equal(11, cpus.Count);
        Assert.Contains(23, cpus);
        Assert.Single(cpus, c => SaMachine.NodeOf(c) == 0);
    }

    [Fact]
    public void Resize_AddMoreThanFree_Refused()
    {
        var pool = Pool(("a", "1-5,13-17", "1G"), ("b", "7-11,19-21", "1G"));

        var e = Invalid(() => pool.Resize("b", Request("+3")));

        Assert.Contains("3 CPU(s) wanted but only 2 free (22-23", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resize_Remove_KeepsTheRestOfItsOwnCpus()
    {
        var pool = Pool(("a", "7-8,19-20", "1G"));
        var current = CpuSet.Parse("7-8,19-20");

        var minusOne = pool.Resize("a", Request("-1"));
        var minusThree = pool.Resize("a", Request("-3"));

        Assert.Equal(3, minusOne.Count);
        Assert.True(minusOne.IsSubsetOf(current));
        Assert.Contains(Assert.Single(minusThree), current);
    }

    [Theory]
    [InlineData("-4")]
    [InlineData("-5")]
    public void Resize_RemoveEveryCpu_RefusedKeepsAtLeastOne(string text)
    {
        var pool = Pool(("a", "7-8,19-20", "1G"));

        var e = Invalid(() => pool.Resize("a", Request(text)));

        Assert.Contains("keeps at least one CPU (it has 4)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resize_CountAbove_KeepsCurrentAndAddsNearIt()
    {
        var pool = Pool(("a", "7,19", "1G"));

        Assert.Equal("7-8,19-20", pool.Resize("a", Request("4")).ToString());
    }

    [Fact]
    public void Resize_CountBelowOrEqual_ShrinksOrKeeps()
    {
        var pool = Pool(("a", "7-8,19-20", "1G"));

        // Which two stay is not pinned here: keeping whole cores (7,19) would be better than the lowest (7-8).
        var shrunk = pool.Resize("a", Request("2"));
        Assert.Equal(2, shrunk.Count);
        Assert.True(shrunk.IsSubsetOf(CpuSet.Parse("7-8,19-20")));
        Assert.Equal("7-8,19-20", pool.Resize("a", Request("4")).ToString());
    }

    [Fact]
    public void Resize_ListOverlappingItsOwnCpus_Accepted()
    {
        var pool = Pool(("a", "7,19", "1G"), ("b", "1", "1G"));

        Assert.Equal("7-9", pool.Resize("a", Request("7-9")).ToString());
    }

    [Fact]
    public void Resize_ListWithAnothersCpu_RefusedNamingIt()
    {
        var pool = Pool(("a", "7,19", "1G"), ("b", "1", "1G"));

        var e = Invalid(() => pool.Resize("a", Request("1-2,7")));

        Assert.Contains("CPU 1 is owned by subOS 'b'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resize_ListWithReservedCpu_Refused()
    {
        var pool = Pool(("a", "7,19", "1G"));

        var e = Invalid(() => pool.Resize("a", Request("6-7")));

        Assert.Contains("CPU 6 belongs to the supervisor partition", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckMemory_BelowMinimum_Refused()
    {
        var e = Invalid(() => Pool().CheckMemory(ByteSize.Parse("16M"), ByteSize.Zero));

        Assert.Contains("--memory 16M: a subOS needs at least 32M", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckMemory_ExactlyMinimumOrFree_Accepted()
    {
        var pool = Pool(("a", "1", "30G"));

        pool.CheckMemory(ResourcePool.MinimumMemory, ByteSize.Zero);
        pool.CheckMemory(ByteSize.Parse("1G"), ByteSize.Zero);
    }

    [Fact]
    public void CheckMemory_OverFree_RefusedWithTheArithmetic()
    {
        var pool = Pool(("a", "1", "30G"));

        var e = Invalid(() => pool.CheckMemory(new ByteSize(ByteSize.GiB + 1), ByteSize.Zero));

        Assert.Contains("only 1G is free (machine 32G, supervisor reserve 1G, owned by subOSes 30G)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckMemory_WithOverhead_TheOverheadMustFitToo()
    {
        // 1G free; a kernel subOS takes 256M beside its memory for QEMU.
        var pool = Pool(("a", "1", "30G"));
        var overhead = ByteSize.Parse("256M");

        pool.CheckMemory(ByteSize.Parse("768M"), ByteSize.Zero, overhead);
        var e = Invalid(() => pool.CheckMemory(ByteSize.Parse("770M"), ByteSize.Zero, overhead));

        Assert.Contains("--memory 770M: only 768M is free with 256M for QEMU beside it", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckMemory_ResizeWithOverhead_ItsOwnMemoryAndOverheadCountAsFree()
    {
        // "a" is a kernel subOS of 10G, counted as 10G + 256M; 31G - 20G - 10.25G leaves 768M free, and 10.75G fits it.
        var pool = Pool(("a", "1", "10496M"), ("b", "2", "20G"));
        var overhead = ByteSize.Parse("256M");

        pool.CheckMemory(ByteSize.Parse("10.75G"), ByteSize.Parse("10496M"), overhead);
        Invalid(() => pool.CheckMemory(ByteSize.Parse("11010M"), ByteSize.Parse("10496M"), overhead));
    }

    [Fact]
    public void CheckMemory_Resize_CountsTheSubOsOwnMemoryAsFree()
    {
        var pool = Pool(("a", "1", "10G"), ("b", "2", "20G"));

        pool.CheckMemory(ByteSize.Parse("11G"), ByteSize.Parse("10G"));
        var e = Invalid(() => pool.CheckMemory(new ByteSize((11 * ByteSize.GiB) + 1), ByteSize.Parse("10G")));

        Assert.Contains("only 11G is free", e.Message, StringComparison.Ordinal);
        Assert.Contains("owned by subOSes 20G", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", "0")]
    [InlineData("7", "1")]
    [InlineData("19", "1")]
    [InlineData("1,7", "0-1")]
    [InlineData("5,23", "0-1")]
    [InlineData("", "0")]
    [InlineData("40", "0")]
    public void NodesOf_Cpus_TheirNumaNodes(string cpus, string nodes)
    {
        Assert.Equal(nodes, Pool().NodesOf(CpuSet.Parse(cpus)).ToString());
    }

    [Fact]
    public void NodesOf_UnknownNode_IsNode0()
    {
        var machine = new MachineTopology
        {
            Cpus = [new CpuInfo(0, 0, 0, -1, "0", "0-1", true), new CpuInfo(1, 1, 0, -1, "1", "0-1", true)],
            NumaNodes = [new NumaNodeInfo(0, "0-1", ByteSize.GiB, ByteSize.GiB)],
            MemTotalBytes = ByteSize.GiB,
            MemAvailableBytes = ByteSize.GiB,
        };
        var pool = new ResourcePool(machine, CpuSet.Empty, ByteSize.Zero, new Dictionary<string, SubOsAllocation>());

        Assert.Equal(NodeSet.Of(0), pool.NodesOf(CpuSet.Parse("0-1")));
        Assert.Equal("0-1", pool.AllocateNew(Request("2")).ToString());
    }
}
