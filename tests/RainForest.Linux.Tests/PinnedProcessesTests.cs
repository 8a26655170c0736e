using System.Diagnostics;
using RainForest.Linux.Fixtures;

namespace RainForest.Linux.Tests;

/// <summary>Signals through pidfds reach the process a pid named when it was pinned, and only while the group still lists it.</summary>
public sealed class PinnedProcessesTests : IDisposable
{
    private readonly TestSleepers _sleepers = new();

    public void Dispose() => _sleepers.Dispose();

    [Fact]
    public void Kill_PidStillListed_KillsTheProcess()
    {
        var sleeper = _sleepers.Start();
        using var pinned = PinnedProcesses.Pin([sleeper.Id]);

        var reached = pinned.Kill(new HashSet<int> { sleeper.Id });

        Assert.True(pinned.ByPidfd, "this kernel (5.3 or later) has pidfds");
        Assert.Equal([sleeper.Id], reached);
        Assert.True(sleeper.WaitForExit(TimeSpan.FromSeconds(10)), "the pinned process was not killed");
    }

    [Fact]
    public void Kill_PidNoLongerListed_LeavesTheProcessAlone()
    {
        var sleeper = _sleepers.Start();
        using var pinned = PinnedProcesses.Pin([sleeper.Id]);

        var reached = pinned.Kill(new HashSet<int>());

        Assert.Empty(reached);
        Assert.False(sleeper.WaitForExit(TimeSpan.FromMilliseconds(100)), "a process the second read did not list was killed");
    }

    [Fact]
    public void Kill_ProcessEndedAfterPinning_ReachesNothingUnderItsPid()
    {
        // The pid may be another process's by now; the pidfd still names the one that ended, so nothing is signalled.
        using var ended = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        var pid = ended.Id;
        using var pinned = PinnedProcesses.Pin([pid]);
        Assert.True(ended.WaitForExit(TimeSpan.FromSeconds(10)));

        var reached = pinned.Kill(new HashSet<int> { pid });

        Assert.Empty(reached);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(4194400)]
    public void Pin_NoSuchSingleProcess_LeftOut(int pid)
    {
        // 0 and -1 would make kill(2) signal a process group or every process; 4194400 is above PID_MAX_LIMIT.
        using var pinned = PinnedProcesses.Pin([pid]);

        Assert.Empty(pinned.Pids);
        Assert.Empty(pinned.Kill(new HashSet<int> { pid }));
    }
}
