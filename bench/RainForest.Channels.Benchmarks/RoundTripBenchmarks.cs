using BenchmarkDotNet.Attributes;

namespace RainForest.Channels.Benchmarks;

/// <summary>One TryWrite and one TryRead on a unicast ring, in one thread: the protocol's own cost, with the cache lines local.</summary>
[MemoryDiagnoser]
public class RoundTripBenchmarks
{
    private BenchmarkChannel _channel = null!;
    private FicmWriter _writer = null!;
    private FicmReader _reader = null!;
    private byte[] _message = [];
    private byte[] _buffer = [];

    /// <summary>Payload bytes.</summary>
    [Params(64, 1024, 16384)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _channel = new BenchmarkChannel(new FicmChannelOptions { SlotsPerRing = 4096, MaxMessageSize = 16384 });
        _writer = _channel.Channel.Writer;
        _reader = _channel.Channel.OpenReader(0);
        _message = new byte[Size];
        new Random(1).NextBytes(_message);
        _buffer = new byte[Size];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _reader.Dispose();
        _channel.Dispose();
    }

    [Benchmark]
    public int TryWriteTryRead()
    {
        _writer.TryWrite(_message);
        _reader.TryRead(_buffer, out var length);
        return length;
    }
}
