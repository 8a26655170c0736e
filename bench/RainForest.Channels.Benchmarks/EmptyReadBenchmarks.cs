using BenchmarkDotNet.Attributes;

namespace RainForest.Channels.Benchmarks;

/// <summary>TryRead on an empty ring: the cost of one poll of a spinning receiver.</summary>
[MemoryDiagnoser]
public class EmptyReadBenchmarks
{
    private BenchmarkChannel _channel = null!;
    private FicmReader _reader = null!;
    private byte[] _buffer = [];

    [GlobalSetup]
    public void Setup()
    {
        _channel = new BenchmarkChannel(new FicmChannelOptions());
        _reader = _channel.Channel.OpenReader(0);
        _buffer = new byte[64];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _reader.Dispose();
        _channel.Dispose();
    }

    [Benchmark]
    public bool TryReadEmpty() => _reader.TryRead(_buffer, out _);
}
