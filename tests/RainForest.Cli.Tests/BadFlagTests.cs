namespace RainForest.Cli.Tests;

/// <summary>
/// Flags that name a mode (<c>--net</c>, <c>--mode</c>) are read before anything is opened, like <c>--cpus</c>:
/// a bad one is one line and exit 2, and not even the state directory is made.
/// </summary>
public sealed class BadFlagTests
{
    [Theory]
    [InlineData("--net bogus: expected none or loop", "create", "web", "--cpus", "1", "--memory", "64M", "--net", "bogus")]
    [InlineData("--net Loop: expected none or loop", "create", "web", "--cpus", "1", "--memory", "64M", "--net", "Loop")]
    [InlineData("--backend vm: expected cell or kernel", "create", "web", "--cpus", "1", "--memory", "256M", "--backend", "vm")]
    [InlineData("--accel hvf: expected auto, kvm or tcg", "create", "web", "--cpus", "1", "--memory", "256M", "--backend", "kernel", "--accel", "hvf")]
    [InlineData("--kernel and --accel need --backend kernel", "create", "web", "--cpus", "1", "--memory", "256M", "--kernel", "/boot/vmlinuz")]
    [InlineData("--kernel and --accel need --backend kernel", "create", "web", "--cpus", "1", "--memory", "256M", "--accel", "tcg")]
    [InlineData("--mode anycast: expected unicast, multicast or broadcast", "channel", "create", "ch", "--members", "a,b", "--mode", "anycast")]
    public void ModeFlag_Unknown_ExitTwoOneLineAndNothingMade(string message, params string[] args)
    {
        var state = Path.Combine(Path.GetTempPath(), $"rf-flags-{Guid.NewGuid():N}");

        var (code, stdout, stderr) = RfmRun.Run(state, args);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal($"rfm: {message}\n", stderr);
        Assert.False(Directory.Exists(state));
    }
}
