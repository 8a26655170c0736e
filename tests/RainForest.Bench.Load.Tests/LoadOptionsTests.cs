namespace RainForest.Bench.Load.Tests;

public class LoadOptionsTests
{
    public static TheoryData<string, LoadOptions> InvalidOptions => new()
    {
        { "Host", new LoadOptions { Host = " " } },
        { "Port", new LoadOptions { Port = 0 } },
        { "Rate", new LoadOptions { Rate = 0 } },
        { "Rate", new LoadOptions { Rate = double.NaN } },
        { "Duration", new LoadOptions { Duration = TimeSpan.Zero } },
        { "Warmup", new LoadOptions { Warmup = TimeSpan.FromSeconds(-1) } },
        { "Connections", new LoadOptions { Connections = 0 } },
        { "GetRatio", new LoadOptions { GetRatio = 1.5 } },
        { "KeySpace", new LoadOptions { KeySpace = 0 } },
        { "ValueSize", new LoadOptions { ValueSize = -1 } },
        { "PreloadFraction", new LoadOptions { PreloadFraction = -0.1 } },
        { "KeyPrefix", new LoadOptions { KeyPrefix = "has space" } },
        { "Rate", new LoadOptions { Rate = 10_000_000, Duration = TimeSpan.FromSeconds(60) } },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Validate_OutOfRange_ThrowsNamingTheOption(string name, LoadOptions options)
    {
        ArgumentException exception = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(name, exception.ParamName);
    }

    [Fact]
    public void Validate_Defaults_DoesNotThrow()
    {
        new LoadOptions().Validate();
        new SweepOptions { Rates = [1000] }.Validate();
    }

    [Fact]
    public void RunAsync_InvalidOptions_ThrowsBeforeConnecting()
    {
        // Thrown by the call itself, not by the returned task: argument errors surface at once.
        Assert.Throws<ArgumentException>(() => { _ = LoadGenerator.RunAsync(new LoadOptions { Connections = -1 }); });
    }
}
