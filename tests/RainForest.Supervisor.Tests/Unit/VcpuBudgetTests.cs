using RainForest.Supervisor.Kernels;

namespace RainForest.Supervisor.Tests.Unit;

/// <summary>
/// The TCG vCPU thread budget's decisions, without QEMU: how many thread starts a guest boots with, when a shrink may
/// unplug rather than park, and that a plug's start is counted before it is tried.
/// </summary>
public sealed class VcpuBudgetTests
{
    [Theory]
    [InlineData(1, 2, true, 255, 6)]
    [InlineData(2, 4, true, 255, 10)]
    [InlineData(1, 200, true, 255, 255)]
    [InlineData(1, 255, true, 255, 255)]
    [InlineData(1, 2, false, 255, 2)]
    [InlineData(3, 7, false, 255, 7)]
    public void AtBoot_TwiceTheMostAndSpare_CappedByTheMachine_OrTheMostWithoutUnplugs(int boot, int most, bool unplugs, int limit, int slots)
    {
        var budget = VcpuBudget.AtBoot(boot, most, unplugs, limit);
        Assert.Equal(slots, budget.Slots);
        Assert.Equal(boot, budget.Started);
        Assert.Equal(slots - boot, budget.Left);
    }

    [Fact]
    public void Remove_UnplugsWhileEveryGrowToTheMostStaysPossible_ThenParks()
    {
        // M = 2, Q = 6: boot 1, then grow and shrink by one, over and over, as KernelResizeTests does.
        var budget = VcpuBudget.AtBoot(1, 2, unplugs: true, 255);
        var rounds = new List<VcpuRemoval?>();
        while (rounds.LastOrDefault() != VcpuRemoval.Park)
        {
            // Grown from 1 to 2 by a plug; then shrunk from 2 to 1.
            Assert.True(budget.CanPlug);
            budget = budget.Plugging();
            rounds.Add(budget.Remove(present: 2));
        }

        // Four plug-and-unplug rounds, the fifth plug spends the last start, and its vCPU is parked: 1 present + 0 left < 2.
        Assert.Equal<VcpuRemoval?>([VcpuRemoval.Unplug, VcpuRemoval.Unplug, VcpuRemoval.Unplug, VcpuRemoval.Unplug, VcpuRemoval.Park], rounds);
        Assert.Equal(6, budget.Started);
        Assert.False(budget.CanPlug);
    }

    [Theory]
    [InlineData(6, 4, 3, 4, VcpuRemoval.Unplug)]   // 2 present after, 2 starts left: 4 >= 4
    [InlineData(6, 5, 3, 4, VcpuRemoval.Park)]     // 2 present after, 1 left: 3 < 4
    [InlineData(10, 6, 2, 4, VcpuRemoval.Unplug)]  // 1 present after, 4 left
    [InlineData(10, 9, 2, 4, VcpuRemoval.Park)]    // 1 present after, 1 left
    [InlineData(10, 10, 4, 4, VcpuRemoval.Park)]   // the budget spent: parking only
    public void Remove_PresentAfterPlusStartsLeft_MustReachTheMost(int slots, int started, int present, int most, VcpuRemoval expected) =>
        Assert.Equal(expected, new VcpuBudget(slots, started, most, Unplugs: true).Remove(present));

    [Fact]
    public void Remove_WithoutUnplugs_AlwaysParks_EvenWithStartsLeft()
    {
        var budget = new VcpuBudget(255, 1, 2, Unplugs: false);
        Assert.Equal(VcpuRemoval.Park, budget.Remove(2));
        Assert.Equal(VcpuRemoval.Park, budget.Remove(200));
    }

    [Fact]
    public void Plugging_CountsTheStartBeforeTheDeviceAdd_SoACrashCanOnlyUnderuseTheBudget()
    {
        var recorded = VcpuBudget.AtBoot(1, 2, unplugs: true, 255);

        // What ApplyCpus writes to guest.json before it sends device_add: the start is already spent.
        recorded = recorded.Plugging();
        Assert.Equal(2, recorded.Started);

        // rfm dies here, before or after QEMU started the thread: either way guest.json holds 2, never less than QEMU
        // has started, so every later decision is made with at most the starts that are really left.
        Assert.Equal(4, recorded.Left);
        for (var i = 0; i < 4; i++)
        {
            recorded = recorded.Plugging();
        }

        Assert.False(recorded.CanPlug);
        Assert.Throws<InvalidOperationException>(() => recorded.Plugging());
    }
}
