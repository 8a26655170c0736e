using BenchmarkDotNet.Attributes;

namespace RainForest.Channels.Benchmarks;

/// <summary>A 64-byte message multicast to four receivers, then read by each of them.</summary>
[MemoryDiagnoser]
public class MulticastBenchmarks
{
    private const int Receivers = 4;
    private readonly ReceiverMask _targets = ReceiverMask.Of(0, 1, 2, 3);
    private BenchmarkChannel _channel = null!;
    private FicmWriter _writer = null!;
    private FicmReader[] _readers = [];
    private byte[] _message = [];
    private byte[] _buffer = [];

    [GlobalSetup]
    public void Setup()
    {
        _channel = new BenchmarkChannel(new FicmChannelOptions
        {
            Mode = FicmChannelMode.Multicast,
            ReceiverCount = Receivers,
            SlotsPerRing = 1024,
            MaxMessageSize = 256,
        });
        _writer = _channel.Channel.Writer;
        _readers = Enumerable.Range(0, Receivers).Select(i => _channel.Channel.OpenReader(i)).ToArray();
        _message = new byte[64];
        _buffer = new byte[256];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var reader in _readers)
        {
            reader.Dispose();
        }

        _channel.Dispose();
    }

    [Benchmark]
    public int MulticastTo4ThenRead4()
    {
        _writer.TryWrite(_message, _targets);
        var total = 0;
        foreach (var reader in _readers)
        {
            reader.TryRead(_buffer, out var length);
            total += length;
        }

        return total;
    }
}
