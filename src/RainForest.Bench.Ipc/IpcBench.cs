using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using HdrHistogram;
using RainForest.Channels;

namespace RainForest.Bench.Ipc;

/// <summary>
/// The two ends of one measurement. The sender stamps each message with CLOCK_MONOTONIC (one clock for
/// every namespace on the host) and the receiver takes the difference on arrival: one-way latency,
/// no round trip halved. Latency messages are paced so that none waits behind another; then a burst
/// measures throughput.
/// </summary>
/// <remarks>
/// usage: rf-ipc-bench recv|send --transport ficm|unix|pipe|tcp --endpoint E --size BYTES
///        [--count N] [--burst N] [--warmup N] [--interval-us U] [--wait spin|sleep]
/// </remarks>
public static class IpcBench
{
    private const int HeaderSize = 9;

    public static int Run(string[] args)
    {
        if (args.Length < 1 || (args[0] != "recv" && args[0] != "send"))
        {
            Console.Error.WriteLine("usage: rf-ipc-bench recv|send --transport ficm|unix|pipe|tcp --endpoint E --size BYTES [--count N] [--burst N] [--warmup N] [--interval-us U] [--wait spin|sleep]");
            return 2;
        }

        var options = Parse(args[1..]);
        var transport = options.GetValueOrDefault("transport", "ficm");
        var endpoint = options.GetValueOrDefault("endpoint") ?? throw new ArgumentException("--endpoint is required");
        var size = Math.Max(HeaderSize, int.Parse(options.GetValueOrDefault("size", "64"), CultureInfo.InvariantCulture));
        var count = int.Parse(options.GetValueOrDefault("count", "20000"), CultureInfo.InvariantCulture);
        var burst = int.Parse(options.GetValueOrDefault("burst", "200000"), CultureInfo.InvariantCulture);
        var warmup = int.Parse(options.GetValueOrDefault("warmup", "2000"), CultureInfo.InvariantCulture);
        var interval = double.Parse(options.GetValueOrDefault("interval-us", "20"), CultureInfo.InvariantCulture);
        var wait = options.GetValueOrDefault("wait", "spin");
        using var link = Link.Open(transport, endpoint, args[0] == "recv", size, wait);
        if (args[0] == "send")
        {
            Send(link, size, warmup, count, burst, interval);
            return 0;
        }

        var result = Receive(link, transport, wait, size);
        Console.WriteLine(JsonSerializer.Serialize(result, IpcJsonContext.Default.IpcResult));
        return 0;
    }

    private static void Send(Link link, int size, int warmup, int count, int burst, double intervalUs)
    {
        var message = new byte[size];
        var gap = (long)(intervalUs * Stopwatch.Frequency / 1_000_000);
        var next = Stopwatch.GetTimestamp();
        for (var i = 0; i < warmup + count; i++)
        {
            // Pace by spinning: a sleeping sender would add its own wake-up latency to the schedule.
            while (Stopwatch.GetTimestamp() < next)
            {
                Thread.SpinWait(10);
            }

            next += gap;
            message[8] = (byte)(i < warmup ? Phase.Warmup : Phase.Latency);
            ChannelTimestamp.Write(message);
            link.Send(message);
        }

        message[8] = (byte)Phase.Throughput;
        for (var i = 0; i < burst; i++)
        {
            ChannelTimestamp.Write(message);
            link.Send(message);
        }

        message[8] = (byte)Phase.End;
        link.Send(message);
    }

    private static IpcResult Receive(Link link, string transport, string wait, int size)
    {
        var histogram = new LongHistogram(TimeStamp.Seconds(10), 3);
        var buffer = new byte[size];
        long burstCount = 0;
        long burstStart = 0;
        long burstEnd = 0;
        while (true)
        {
            link.Receive(buffer);
            var now = ChannelTimestamp.Now();
            var phase = (Phase)buffer[8];
            if (phase == Phase.Latency)
            {
                histogram.RecordValue(Math.Max(0, now - BinaryPrimitives.ReadInt64LittleEndian(buffer)));
            }
            else if (phase == Phase.Throughput)
            {
                if (burstCount++ == 0)
                {
                    burstStart = now;
                }

                burstEnd = now;
            }
            else if (phase == Phase.End)
            {
                break;
            }
        }

        var seconds = (burstEnd - burstStart) / 1e9;
        return new IpcResult(transport, wait, size, histogram.TotalCount, histogram.GetMean(), histogram.GetValueAtPercentile(50),
            histogram.GetValueAtPercentile(99), histogram.GetValueAtPercentile(99.9), histogram.GetMaxValue(),
            seconds > 0 ? (burstCount - 1) / seconds : 0, burstCount);
    }

    private static Dictionary<string, string> Parse(string[] args)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected '{args[i]}'");
            }

            result[args[i][2..]] = args[i + 1];
        }

        return result;
    }

    /// <summary>One end of a transport, moving fixed-size messages.</summary>
    private abstract class Link : IDisposable
    {
        public static Link Open(string transport, string endpoint, bool receiver, int size, string wait) => transport switch
        {
            "ficm" => new FicmLink(endpoint, receiver, wait),
            "unix" => new SocketLink(new UnixDomainSocketEndPoint(endpoint), receiver, SocketType.Seqpacket, endpoint),
            "tcp" => new SocketLink(IPEndPoint.Parse(endpoint), receiver, SocketType.Stream, null),
            "pipe" => new PipeLink(endpoint, receiver),
            _ => throw new ArgumentException($"--transport {transport}: expected ficm, unix, pipe or tcp"),
        };

        public abstract void Send(ReadOnlySpan<byte> message);

        public abstract void Receive(Span<byte> message);

        public abstract void Dispose();
    }

    private sealed class FicmLink : Link
    {
        private readonly FicmChannel _channel;
        private readonly FicmReader? _reader;

        public FicmLink(string path, bool receiver, string wait)
        {
            _channel = FicmChannel.Open(path);
            if (receiver)
            {
                var mode = wait == "sleep" ? FicmWaitMode.SpinThenSleep : FicmWaitMode.SpinOnly;
                _reader = _channel.OpenReader(0, new FicmWaitOptions { WaitMode = mode, SpinDuration = TimeSpan.FromMicroseconds(wait == "sleep" ? 1 : 30) });
            }
        }

        public override void Send(ReadOnlySpan<byte> message) => _channel.Writer.Write(message);

        public override void Receive(Span<byte> message) => _reader!.Read(message);

        public override void Dispose()
        {
            _reader?.Dispose();
            _channel.Dispose();
        }
    }

    private sealed class SocketLink : Link
    {
        private readonly Socket _socket;

        public SocketLink(EndPoint endpoint, bool receiver, SocketType type, string? unixPath)
        {
            var family = endpoint.AddressFamily;
            if (receiver)
            {
                using var listener = new Socket(family, type, family == AddressFamily.Unix ? ProtocolType.Unspecified : ProtocolType.Tcp);
                if (unixPath is not null)
                {
                    File.Delete(unixPath);
                }

                listener.Bind(endpoint);
                listener.Listen(1);
                Console.Error.WriteLine("ready");
                _socket = listener.Accept();
            }
            else
            {
                _socket = new Socket(family, type, family == AddressFamily.Unix ? ProtocolType.Unspecified : ProtocolType.Tcp);
                var deadline = Stopwatch.StartNew();
                while (true)
                {
                    try
                    {
                        _socket.Connect(endpoint);
                        break;
                    }
                    catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(10))
                    {
                        Thread.Sleep(5);
                    }
                }
            }

            if (family != AddressFamily.Unix)
            {
                _socket.NoDelay = true;
            }
        }

        public override void Send(ReadOnlySpan<byte> message)
        {
            while (!message.IsEmpty)
            {
                message = message[_socket.Send(message)..];
            }
        }

        public override void Receive(Span<byte> message)
        {
            var done = 0;
            while (done < message.Length)
            {
                var n = _socket.Receive(message[done..]);
                if (n == 0)
                {
                    throw new EndOfStreamException("the sender went away");
                }

                done += n;
            }
        }

        public override void Dispose() => _socket.Dispose();
    }

    private sealed class PipeLink : Link
    {
        private readonly FileStream _stream;

        public PipeLink(string fifo, bool receiver)
        {
            if (receiver && !File.Exists(fifo))
            {
                using var mkfifo = Process.Start("mkfifo", [fifo]);
                mkfifo.WaitForExit();
            }

            var deadline = Stopwatch.StartNew();
            while (!File.Exists(fifo) && deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(5);
            }

            _stream = new FileStream(fifo, receiver ? FileMode.Open : FileMode.Open, receiver ? FileAccess.Read : FileAccess.Write, FileShare.ReadWrite, 0);
        }

        public override void Send(ReadOnlySpan<byte> message) => _stream.Write(message);

        public override void Receive(Span<byte> message) => _stream.ReadExactly(message);

        public override void Dispose() => _stream.Dispose();
    }
}
