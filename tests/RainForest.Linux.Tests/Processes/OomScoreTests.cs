namespace RainForest.Linux.Tests.Processes;

public sealed class OomScoreTests
{
    [Fact]
    public void Shield_HostGrantsCapSysResource_AgentAtMinus1000AndProgramsAt0()
    {
        var written = new List<int>();
        using var log = new StringWriter();

        var programs = OomScore.Shield(written.Add, log);

        Assert.Equal([-1000], written);
        Assert.Equal(0, programs);
        Assert.Empty(log.ToString());
    }

    [Fact]
    public void Shield_HostWithholdsCapSysResource_ProgramsAt500AndOneLineSaysWhy()
    {
        using var log = new StringWriter();

        // What the kernel answers a lowering write without CAP_SYS_RESOURCE: EACCES.
        var programs = OomScore.Shield(_ => throw new UnauthorizedAccessException("Access to the path '/proc/self/oom_score_adj' is denied."), log);

        Assert.Equal(500, programs);
        Assert.Single(log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("oom_score_adj 500", log.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(500, "500")]
    public void ChainPrefix_Score_IsChoomWithTheScoreBeforeTheProgram(int score, string text)
    {
        Assert.Equal(["/usr/bin/choom", "-n", text, "--"], OomScore.ChainPrefix("/usr/bin/choom", score));
    }

    [Fact]
    public void ChainPrefix_RealChoom_ProgramStartsWithTheScore()
    {
        // Raising one's own score needs no capability: this runs as any user.
        var choom = SystemTools.Require("choom");
        var own = int.Parse(File.ReadAllText("/proc/self/oom_score_adj").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var target = Math.Max(own, 0) + 321;

        var start = new System.Diagnostics.ProcessStartInfo(choom) { RedirectStandardOutput = true };
        foreach (var arg in OomScore.ChainPrefix(choom, target).Skip(1).Concat(["cat", "/proc/self/oom_score_adj"]))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        Assert.Equal(0, process.ExitCode);
        Assert.Equal(target.ToString(System.Globalization.CultureInfo.InvariantCulture), output.Trim());
    }
}
