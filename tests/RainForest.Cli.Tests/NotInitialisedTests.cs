namespace RainForest.Cli.Tests;

/// <summary>Before <c>rfm init</c>, every verb says so in one line and creates nothing.</summary>
public sealed class NotInitialisedTests
{
    public static TheoryData<string[]> Verbs => new()
    {
        new[] { "ls" },
        new[] { "ls", "--json" },
        new[] { "show", "web" },
        new[] { "log" },
        new[] { "log", "--vacuum-entries", "5" },
        new[] { "create", "web", "--cpus", "1", "--memory", "64M" },
        new[] { "resize", "web", "--memory", "128M" },
        new[] { "destroy", "web" },
        new[] { "exec", "web", "--", "true" },
        new[] { "start", "web" },
        new[] { "audit", "web" },
        new[] { "reconcile" },
        new[] { "deinit" },
        new[] { "channel", "ls" },
        new[] { "channel", "create", "c1", "--members", "a,b" },
    };

    [Theory]
    [MemberData(nameof(Verbs))]
    public void Verb_NeverInitialised_SaysSoAndCreatesNothing(string[] args)
    {
        using var scratch = new TempDir();
        var state = Path.Combine(scratch.Path, "state");

        var (code, stdout, stderr) = RfmRun.Run(state, args);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal($"rfm: not initialised: run 'rfm init' first (state directory {state})", stderr.TrimEnd('\n'));
        Assert.False(Directory.Exists(state), "the state directory was created");
    }
}
