using RainForest.Core.Model;

namespace RainForest.Core.Tests.Model;

/// <summary>The host id ranges unprivileged subOSes get: disjoint, above every distribution's ranges, reused once freed.</summary>
public class IdRangesTests
{
    [Fact]
    public void NextFree_NoneUsed_IsTheFirstRange()
    {
        Assert.Equal(IdRanges.Start, IdRanges.NextFree([]));
    }

    [Fact]
    public void NextFree_FirstTwoUsed_IsTheThird()
    {
        Assert.Equal(IdRanges.Start + (2 * IdRanges.Size), IdRanges.NextFree([IdRanges.Start, IdRanges.Start + IdRanges.Size]));
    }

    [Fact]
    public void NextFree_AHoleLeftByADestroyedSubOs_IsReused()
    {
        Assert.Equal(IdRanges.Start + IdRanges.Size, IdRanges.NextFree([IdRanges.Start, IdRanges.Start + (2 * IdRanges.Size)]));
    }

    [Fact]
    public void NextFree_EveryRangeUsed_FailsWithOneLine()
    {
        var all = Enumerable.Range(0, (int)IdRanges.Count).Select(i => IdRanges.Start + (i * IdRanges.Size));

        var e = Assert.Throws<RfException>(() => IdRanges.NextFree(all));

        Assert.Equal(RfException.FailureExitCode, e.ExitCode);
    }

    [Fact]
    public void Ranges_AllFitBelowTheLargestValidId_AndNeverOverlap()
    {
        var last = IdRanges.Start + ((IdRanges.Count - 1) * IdRanges.Size);

        Assert.True(last + IdRanges.Size - 1 <= uint.MaxValue - 1);
        Assert.False(IdRanges.Contains(IdRanges.Start, IdRanges.Start + IdRanges.Size));
        Assert.True(IdRanges.Contains(IdRanges.Start, IdRanges.Start + IdRanges.Size - 1));
        Assert.True(IdRanges.Start > 1_000_000, "ranges start far above useradd's and /etc/subuid's");
    }
}
