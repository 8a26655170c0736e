using RainForest.Controller.Runner;

namespace RainForest.Controller.Tests;

public sealed class MemoryPressureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rf-psi-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Read_Psi_SomeAvg10()
    {
        File.WriteAllText(Path.Combine(_dir, "memory.pressure"), "some avg10=12.50 avg60=3.00 avg300=1.00 total=123\nfull avg10=2.00 avg60=0.00 avg300=0.00 total=4\n");
        Assert.Equal(12.5, new MemoryPressure().Read([_dir]));
    }

    [Fact]
    public void Read_V1Failcnt_GrowthIsFullPressure()
    {
        var pressure = new MemoryPressure();
        var file = Path.Combine(_dir, "memory.failcnt");
        File.WriteAllText(file, "7\n");
        Assert.Equal(0, pressure.Read([_dir]));
        File.WriteAllText(file, "9\n");
        Assert.Equal(100, pressure.Read([_dir]));
        Assert.Equal(0, pressure.Read([_dir]));
    }

    [Fact]
    public void Read_Neither_Null() => Assert.Null(new MemoryPressure().Read([_dir]));
}
