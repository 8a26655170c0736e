using RainForest.Controller.Policies;
using RainForest.Core.Elastic;

namespace RainForest.Controller.Tests;

public class SlackPolicyTests
{
    private const double Window = 0.5;

    private static SlackPolicy Policy(int? max = null, int floor = 0, int min = 1) =>
        new(Windows.Spec(PolicyKind.Slack, max, floor, min));

    private static ElasticObservation At(double end, double tailMs, double? pressure = null) => Windows.At(end, tailMs, Window, pressure);

    [Fact]
    public void Create_SlackWindowLongerThanASecond_IsRefused()
    {
        var e = Assert.Throws<Core.RfException>(() => Windows.Spec(PolicyKind.Slack, window: TimeSpan.FromSeconds(2)));
        Assert.Equal(2, e.ExitCode);
    }

    [Fact]
    public void Decide_NeedBelowOneCpu_CutsDonorQuotaInsteadOfMovingACpu()
    {
        // Target 3.5 ms (0.7 of 5 ms); 3.8 ms on 2 CPUs needs 0.17 CPU: a quarter CPU of the donor's bandwidth goes.
        var d = Policy().Decide(At(1, 3.8), Windows.Alloc(2, 6));
        Assert.NotNull(d);
        Assert.Equal(0, d.Cpus);
        Assert.Equal(5.75, d.Quota!.Cpus);
    }

    [Fact]
    public void Decide_NeedBelowOneCpu_UnderIdleSharing_MovesAWholeCpu()
    {
        // The same 0.17 CPU of need: the donor runs in the taker's idle time, so the CPU moves and no quota is set.
        var policy = new SlackPolicy(Windows.Spec(PolicyKind.Slack) with { IdleShare = true });
        var d = policy.Decide(At(1, 3.8), Windows.Alloc(2, 6));
        Assert.NotNull(d);
        Assert.Equal(1, d.Cpus);
        Assert.Null(d.Quota);

        // With nothing left to lend, the quota is still the one lever: over every CPU the donor runs on, the taker's too.
        var full = new SlackPolicy(Windows.Spec(PolicyKind.Slack, max: 2) with { IdleShare = true }).Decide(At(1, 3.8), Windows.Alloc(2, 6));
        Assert.Equal(0, full!.Cpus);
        Assert.Equal(7.75, full.Quota!.Cpus);

        // A donor that lent its last CPU still runs in the taker's idle time, so its quota can still be cut.
        var lentAll = new SlackPolicy(Windows.Spec(PolicyKind.Slack, max: 2) with { IdleShare = true }).Decide(At(1, 3.8), Windows.Alloc(2, 0));
        Assert.Equal(0, lentAll!.Cpus);
        Assert.Equal(1.75, lentAll.Quota!.Cpus);
        Assert.Null(Policy(max: 2).Decide(At(1, 3.8), Windows.Alloc(2, 0)));
    }

    [Fact]
    public void Decide_UnderIdleSharing_ACutQuotaRisesAStepPerWindowWithinTheTarget_UntilLifted()
    {
        var policy = new SlackPolicy(Windows.Spec(PolicyKind.Slack, max: 2) with { IdleShare = true });

        // Far over the target with nothing left to lend: the quota goes to its floor at once.
        var cut = policy.Decide(At(1, 40), Windows.Alloc(2, 0));
        Assert.Equal(0.1, cut!.Quota!.Cpus);

        // 2.5 ms is within the 3.5 ms target but far above the 1.5 ms calm bar, yet the smoothed tail (40 ms before)
        // is still at risk: nothing yet.
        Assert.Null(policy.Decide(At(2, 2.5), Windows.Alloc(2, 0, quota: 0.1)));

        // Once the smoothed tail is within the target too, a step per window, and lifted where it reaches the 2 CPUs
        // the donor runs on.
        var quota = 0.1;
        var end = 3.0;
        List<double?> steps = [];
        for (; end < 40 && steps.LastOrDefault(double.NaN) is not null; end++)
        {
            var d = policy.Decide(At(end, 2.5), Windows.Alloc(2, 0, quota: quota));
            if (d is null)
            {
                continue;
            }

            Assert.Equal(0, d.Cpus);
            steps.Add(d.Quota!.Cpus);
            quota = d.Quota.Cpus ?? quota;
        }

        Assert.Equal([0.35, 0.6, 0.85, 1.1, 1.35, 1.6, 1.85, null], steps.Select(v => v is { } x ? Math.Round(x, 2) : (double?)null));

        // At risk again: cut by the need, not lifted.
        var again = policy.Decide(At(end, 6), Windows.Alloc(2, 0, quota: 1.85));
        Assert.True(again!.Quota!.Cpus < 1.85);
    }

    [Fact]
    public void Decide_ACutAtItsFloorThatLeavesTheTailWhereItWas_IsLiftedAndHeldOff()
    {
        var policy = new SlackPolicy(Windows.Spec(PolicyKind.Slack, max: 2) with { IdleShare = true });
        var floor = Windows.Alloc(2, 0, quota: 0.1);
        Assert.Equal(0.1, policy.Decide(At(1, 40), Windows.Alloc(2, 0))!.Quota!.Cpus);

        // At the floor with nothing left to lend: nothing to do for four windows while the tail stays where it was.
        for (var end = 2; end <= 5; end++)
        {
            Assert.Null(policy.Decide(At(end, 40), floor));
        }

        // The fifth: the cut did not help, so the donor is not the cause; lifted, and no cut for 20 s.
        var lift = policy.Decide(At(6, 40), floor);
        Assert.NotNull(lift);
        Assert.Equal(0, lift.Cpus);
        Assert.NotNull(lift.Quota);
        Assert.Null(lift.Quota.Cpus);
        Assert.Contains("the donor is not what holds the tail up", lift.Reason, StringComparison.Ordinal);
        Assert.Contains("not cut for 20 s", lift.Reason, StringComparison.Ordinal);
        for (var end = 7; end < 26; end++)
        {
            Assert.Null(policy.Decide(At(end, 40), Windows.Alloc(2, 0)));
        }

        // After the hold it cuts again; a second futile cut in a row is held twice as long.
        Assert.Equal(0.1, policy.Decide(At(26, 40), Windows.Alloc(2, 0))!.Quota!.Cpus);
        for (var end = 27; end <= 30; end++)
        {
            Assert.Null(policy.Decide(At(end, 40), floor));
        }

        Assert.Contains("not cut for 40 s", policy.Decide(At(31, 40), floor)!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_ACutAtItsFloorThatLowersTheTail_Stays()
    {
        var policy = new SlackPolicy(Windows.Spec(PolicyKind.Slack, max: 2) with { IdleShare = true });
        Assert.Equal(0.1, policy.Decide(At(1, 40), Windows.Alloc(2, 0))!.Quota!.Cpus);

        // Still at risk, but the smoothed tail falls (40 -> 15 ms over five windows of 10 ms): the cut is working.
        for (var end = 2; end <= 12; end++)
        {
            Assert.Null(policy.Decide(At(end, 10), Windows.Alloc(2, 0, quota: 0.1)));
        }
    }

    [Fact]
    public void Decide_WithoutIdleSharing_ACutQuotaWaitsForCalmWindows()
    {
        var policy = Policy(max: 2);
        Assert.NotNull(policy.Decide(At(1, 3.8), Windows.Alloc(2, 6)));

        // Within the target but above the calm bar: the quota on the donor's own CPUs stays.
        for (var end = 2; end < 12; end++)
        {
            Assert.Null(policy.Decide(At(end, 2.5), Windows.Alloc(2, 6, quota: 5.75)));
        }
    }

    [Fact]
    public void Decide_QuotaCutReachingAWholeCpu_MovesTheCpuAndLiftsTheQuota()
    {
        var d = Policy().Decide(At(1, 3.8), Windows.Alloc(2, 6, quota: 5.25));
        Assert.NotNull(d);
        Assert.Equal(1, d.Cpus);
        Assert.NotNull(d.Quota);
        Assert.Null(d.Quota.Cpus);
    }

    [Fact]
    public void Decide_FarOverTarget_GrowsByManyCpusAtOnceUpToHalfTheTaker()
    {
        var d = Policy().Decide(At(1, 40), Windows.Alloc(8, 24));
        Assert.Equal(4, d!.Cpus);
        var small = Policy().Decide(At(1, 40), Windows.Alloc(1, 24));
        Assert.Equal(2, small!.Cpus);
    }

    [Fact]
    public void Decide_GuardRails_CapGrowthAndQuota()
    {
        Assert.Equal(2, Policy(max: 6).Decide(At(1, 40), Windows.Alloc(4, 24))!.Cpus);
        Assert.Equal(1, Policy(floor: 3).Decide(At(1, 40), Windows.Alloc(4, 4))!.Cpus);

        // No CPU may move (the taker at its max): only the donor's bandwidth is cut, never below its floor.
        var capped = Policy(max: 4, floor: 3).Decide(At(1, 40), Windows.Alloc(4, 4));
        Assert.Equal(0, capped!.Cpus);
        Assert.Equal(3, capped.Quota!.Cpus);
        Assert.Null(Policy(max: 4, floor: 3).Decide(At(1, 40), Windows.Alloc(4, 4, quota: 3)));
        Assert.Null(Policy(floor: 3).Decide(At(1, 40), Windows.Alloc(4, 3)));
    }

    [Fact]
    public void Decide_CalmAfterGrowth_WaitsForCooldownAndHysteresisThenShrinksAFifth()
    {
        var policy = Policy();
        var alloc = Windows.Alloc(10, 22);
        Assert.True(policy.Decide(At(1, 40), alloc)!.Cpus > 0);
        alloc = Windows.Alloc(15, 17);
        var shrinks = new List<(double At, int Cpus)>();
        for (var t = 1.5; t <= 12; t += Window)
        {
            if (policy.Decide(At(t, 0.5), alloc) is { } d)
            {
                shrinks.Add((t, d.Cpus));
                alloc = Windows.Alloc(alloc.TakerCpus + d.Cpus, alloc.DonorCpus - d.Cpus);
            }
        }

        // The smoothed tail (weight 0.3) falls from 40 ms below the bar (5 ms x 0.3 x 12/15 = 1.2 ms) in the window
        // ending at 7 s, well after the 4 s cooldown; four calm windows later, at 8.5 s, three CPUs (a fifth) go back.
        Assert.Equal(8.5, shrinks[0].At);
        Assert.Equal(-3, shrinks[0].Cpus);
        Assert.All(shrinks.Zip(shrinks.Skip(1)), p => Assert.Equal(2.0, p.Second.At - p.First.At));
    }

    [Fact]
    public void Decide_TailBetweenCalmAndTarget_HoldsSteady()
    {
        var policy = Policy();
        for (var t = 0.5; t < 30; t += Window)
        {
            Assert.Null(policy.Decide(At(t, 2.5), Windows.Alloc(4, 4)));
        }
    }

    [Theory]
    [InlineData(0.4, -1)]  // would use 0.4 of the 1 CPU it keeps: below the 0.5 share, shrinks
    [InlineData(0.6, 0)]   // would use 0.6 of it: holds
    public void Decide_TailBetweenCalmAndTarget_ShrinksOnlyWhereTheTakerUsesLittleOfWhatItWouldKeep(double used, int expected)
    {
        // 2.0 ms is above the calm bar (5 ms x 0.3 x 1/2 = 0.75 ms for 2 -> 1 CPU) and below 2.5 ms (half the bound).
        var policy = Policy();
        var shrunk = 0;
        for (var t = 0.5; t < 30 && shrunk == 0; t += Window)
        {
            shrunk = policy.Decide(At(t, 2.0) with { TakerCpuUsed = used }, Windows.Alloc(2, 6))?.Cpus ?? 0;
        }

        Assert.Equal(expected, shrunk);
    }

    [Fact]
    public void Decide_UnderusedTakerWithATailAboveHalfTheBound_HoldsSteady()
    {
        var policy = Policy();
        for (var t = 0.5; t < 30; t += Window)
        {
            Assert.Null(policy.Decide(At(t, 3.0) with { TakerCpuUsed = 0.1 }, Windows.Alloc(4, 4)));
        }
    }

    [Fact]
    public void Decide_UseAboveTheShareInOneWindow_RestartsTheCalmCount()
    {
        // The larger of the window's use and the smoothed use counts: one busy window is enough to hold.
        var policy = Policy();
        var t = 0.5;
        for (; t < 2; t += Window)
        {
            Assert.Null(policy.Decide(At(t, 2.0) with { TakerCpuUsed = 0.2 }, Windows.Alloc(2, 6)));
        }

        Assert.Null(policy.Decide(At(t, 2.0) with { TakerCpuUsed = 1.5 }, Windows.Alloc(2, 6)));
        var calm = 0;
        ElasticDecision? d = null;
        while (d is null)
        {
            t += Window;
            calm++;
            d = policy.Decide(At(t, 2.0) with { TakerCpuUsed = 0.2 }, Windows.Alloc(2, 6));
        }

        // Three calm windows, then one at 1.5 CPUs (smoothed 0.59): the count starts again. The smoothed use is back
        // below half a CPU in the next window (0.3 x 0.2 + 0.7 x 0.59 = 0.47), and the fourth calm window shrinks.
        Assert.Equal(4, calm);
        Assert.Equal(-1, d.Cpus);
        Assert.Contains("using 0.29 cpu of 2", d.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_Calm_LiftsQuotaBeforeGivingBackCpus()
    {
        var policy = Policy();
        ElasticDecision? d = null;
        for (var t = 0.5; d is null; t += Window)
        {
            d = policy.Decide(At(t, 0.5), Windows.Alloc(4, 4, quota: 3.5));
        }

        Assert.Equal(0, d.Cpus);
        Assert.NotNull(d.Quota);
        Assert.Null(d.Quota.Cpus);
    }

    [Fact]
    public void Decide_ShrinkUndoneWithinCooldown_DoublesTheCalmWindowsNeeded()
    {
        // Policy a shrinks, then has to grow again at once; policy b sees the same tails but holds its minimum, so
        // it never shrank. After the same calm spell, a waits four windows longer (eight calm windows, not four).
        var a = Policy();
        var b = Policy();
        var t = 0.5;
        ElasticDecision? first = null;
        for (; first is null; t += Window)
        {
            first = a.Decide(At(t, 0.5), Windows.Alloc(10, 10));
            Assert.Null(b.Decide(At(t, 0.5), Windows.Alloc(1, 19)));
        }

        Assert.True(a.Decide(At(t, 40), Windows.Alloc(8, 12))!.Cpus > 0);
        Assert.True(b.Decide(At(t, 40), Windows.Alloc(8, 12))!.Cpus > 0);
        Assert.Equal(CalmWindowsUntilShrink(b, t) + 4, CalmWindowsUntilShrink(a, t));

        static int CalmWindowsUntilShrink(SlackPolicy policy, double t)
        {
            var calm = 1;
            for (t += Window; policy.Decide(At(t, 0.5), Windows.Alloc(12, 8)) is null; t += Window)
            {
                calm++;
            }

            return calm;
        }
    }

    [Fact]
    public void Decide_MemoryPressure_MovesMemoryWithinTheDonorFloor()
    {
        var policy = Policy();
        var step = ElasticPolicySpec.DefaultMemoryStep.Bytes;
        var d = policy.Decide(At(1, 2.5, pressure: 25), Windows.Alloc(2, 2, donorMem: 1L << 30));
        Assert.Equal(step, d!.MemoryBytes);
        Assert.Equal(0, d.Cpus);
        Assert.Contains("memory pressure 25%", d.Reason, StringComparison.Ordinal);

        // Within the memory cooldown nothing more moves; after it, the donor's floor (256M) stops it.
        Assert.Null(policy.Decide(At(2, 2.5, pressure: 25), Windows.Alloc(2, 2, donorMem: 1L << 30)));
        Assert.Null(policy.Decide(At(20, 2.5, pressure: 25), Windows.Alloc(2, 2, donorMem: ElasticPolicySpec.DefaultDonorMemoryFloor.Bytes)));
        Assert.Equal(step, policy.Decide(At(40, 2.5, pressure: 25), Windows.Alloc(2, 2, donorMem: 1L << 30))!.MemoryBytes);
    }

    [Fact]
    public void Decide_PressureGone_GivesBorrowedMemoryBack()
    {
        var policy = Policy();
        var step = ElasticPolicySpec.DefaultMemoryStep.Bytes;
        Assert.Equal(step, policy.Decide(At(1, 2.5, pressure: 25), Windows.Alloc(2, 2))!.MemoryBytes);
        long back = 0;
        for (var t = 1.5; t < 30 && back == 0; t += Window)
        {
            back = policy.Decide(At(t, 2.5, pressure: 0), Windows.Alloc(2, 2))?.MemoryBytes ?? 0;
        }

        Assert.Equal(-step, back);
    }
}
