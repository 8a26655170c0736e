using RainForest.Channels;

namespace RainForest.Channels.Benchmarks;

/// <summary>A channel in /dev/shm for one benchmark, named rf-bench-*, removed afterwards.</summary>
internal sealed class BenchmarkChannel : IDisposable
{
    public BenchmarkChannel(FicmChannelOptions options)
    {
        var directory = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        Channel = FicmChannel.Create(Path.Combine(directory, $"rf-bench-{Guid.NewGuid():N}"), options);
    }

    public FicmChannel Channel { get; }

    public void Dispose()
    {
        FicmChannel.Delete(Channel.Path);
        Channel.Dispose();
    }
}
