using System.Diagnostics;
using RainForest.Bench.Harness.Programs;

namespace RainForest.Bench.Harness.Tests;

/// <summary>The wrapper every program runs under: output captured, stoppable, and bounded by its limit.</summary>
public sealed class ProgramTests
{
    [Fact]
    public async Task Start_ProgramEndsByItself_ExitCodeAndOutput()
    {
        var program = HostProcess.Start(new ProgramSpec(["sh", "-c", "echo out; echo err >&2; exit 3"], TimeSpan.FromSeconds(20)), []);

        var result = await program.WaitAsync(CancellationToken.None);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("out\n", result.Stdout);
        Assert.Equal("err\n", result.Stderr);
    }

    [Fact]
    public async Task Stop_LongProgram_EndsAtOnceWithSigterm()
    {
        var program = HostProcess.Start(new ProgramSpec(["sleep", "60"], TimeSpan.FromSeconds(60)), []);
        await Task.Delay(200);
        var clock = Stopwatch.StartNew();

        var result = await program.StopAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(result);
        Assert.Equal(128 + 15, result.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(9), $"stopping took {clock.Elapsed}");
    }

    [Fact]
    public async Task Start_ProgramOutlivesItsLimit_TimeoutEndsIt()
    {
        var program = HostProcess.Start(new ProgramSpec(["sleep", "60"], TimeSpan.FromSeconds(1)), []);

        var result = await program.WaitAsync(CancellationToken.None);

        Assert.Equal(ProgramResult.TimedOutExitCode, result.ExitCode);
    }

    [Fact]
    public async Task WaitAsync_Cancelled_StopsTheProgramAndThrows()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var program = HostProcess.Start(new ProgramSpec(["sleep", "60"], TimeSpan.FromSeconds(60)), []);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => program.WaitAsync(cancel.Token));
        var result = await program.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(128 + 15, result.ExitCode);
    }

    [Fact]
    public void Wrap_Limit_TimeoutFirstThenWrapperThenProgram()
    {
        var argv = ProgramWrapper.Wrap(new ProgramSpec(["memcached", "-p", "1"], TimeSpan.FromSeconds(2.2)));

        Assert.Equal(["timeout", "-k", "2", "3", "sh", "-c", ProgramWrapper.Script, ProgramWrapper.WrapperName, "memcached", "-p", "1"], argv);
    }
}
