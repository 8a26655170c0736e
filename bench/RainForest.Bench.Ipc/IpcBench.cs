using System.Buffers.Binary;
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using System.IO.MemoryMappedFiles;
using System.Net;
using System.Net.Sockets;
using HdrHistogram;
using RainForest.Bench.Contracts;
using RainForest.Channels;

namespace RainForest.Bench.Ipc;

/// <summary>
/// The two ends of one measurement. The sender stamps each message with CLOCK_MONOTONIC (one clock for
/// every namespace on the host) and the receiver takes the difference on arrival: one-way latency,
/// no round trip halved. Latency messages are paced so that none waits behind another; then a burst
/// measures throughput.
/// </summary>
public static class IpcBench
{
    private const int HeaderSize = 9;

    /// <summary>The sleeping FICM receiver's spin budget unless <c>--spin-us</c> says otherwise, µs.</summary>
    private const double DefaultSpinUs = 1;

    /// <summary>Parses the command line, runs one end, and returns the exit code (2 for bad usage).</summary>
    public static int Run(string[] args)
    {
        var transport = new Option<IpcTransport>("--transport")
        {
            Description = "How messages travel",
            HelpName = string.Join('|', Enum.GetValues<IpcTransport>().Select(t => t.ToName())),
            DefaultValueFactory = _ => IpcTransport.Ficm,
            CustomParser = result => Choice(result, Enum.GetValues<IpcTransport>(), t => t.ToName()),
        };
        var endpoint = new Option<string>("--endpoint") { Description = "Channel file, futex file, socket or FIFO path, or host:port for tcp", Required = true };
        var size = new Option<int>("--size") { Description = $"Message size in bytes (at least {HeaderSize})", DefaultValueFactory = _ => 64 };
        var count = new Option<int>("--count") { Description = "Paced messages whose latency is measured", DefaultValueFactory = _ => 20_000 };
        var burst = new Option<int>("--burst") { Description = "Messages sent back to back to measure throughput", DefaultValueFactory = _ => 200_000 };
        var warmup = new Option<int>("--warmup") { Description = "Paced messages sent first and not measured", DefaultValueFactory = _ => 2_000 };
        var interval = new Option<double>("--interval-us") { Description = "Gap between paced messages, microseconds", DefaultValueFactory = _ => 20 };
        var wait = new Option<IpcWait>("--wait")
        {
            Description = "How the FICM receiver waits (sockets and pipes always block)",
            HelpName = string.Join('|', Enum.GetValues<IpcWait>().Select(w => w.ToName())),
            DefaultValueFactory = _ => IpcWait.Spin,
            CustomParser = result => Choice(result, Enum.GetValues<IpcWait>(), w => w.ToName()),
        };
        var spin = new Option<double?>("--spin-us")
        {
            Description = $"How long a sleeping FICM receiver polls before it sleeps, microseconds (default {DefaultSpinUs})",
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var us) && us is >= 0 and <= 1_000_000)
                {
                    return us;
                }

                result.AddError($"--spin-us '{text}': expected microseconds from 0 to 1000000");
                return null;
            },
        };
        Option[] options = [transport, endpoint, size, count, burst, warmup, interval, wait, spin];
        var recv = new Command("recv", "Receive, measure, and print the result as one JSON line");
        var send = new Command("send", "Send the paced messages, then the burst");
        foreach (var option in options)
        {
            recv.Options.Add(option);
            send.Options.Add(option);
        }

        var root = new RootCommand("rf-ipc-bench: one-way latency and throughput of FICM channels, Unix sockets, pipes and TCP between two processes") { recv, send };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine($"rf-ipc-bench: {parse.Errors[0].Message} (rf-ipc-bench --help for usage)");
            return 2;
        }

        var command = parse.CommandResult.Command;
        if ((command != recv && command != send) || parse.Action is HelpAction)
        {
            return parse.Invoke();
        }

        var messageSize = Math.Max(HeaderSize, parse.GetValue(size));
        var how = parse.GetValue(wait);
        var kind = parse.GetValue(transport);

        // Only a receiver that sleeps has a spin budget: FICM polls it first, the raw futex never polls.
        double? spinUs = kind switch
        {
            IpcTransport.Futex => 0,
            IpcTransport.Ficm when how == IpcWait.Sleep => parse.GetValue(spin) ?? DefaultSpinUs,
            _ => null,
        };
        if (kind == IpcTransport.Futex)
        {
            how = IpcWait.Sleep;
        }

        using var link = Link.Open(kind, parse.GetValue(endpoint)!, command == recv, how, spinUs ?? 0, messageSize);
        if (command == send)
        {
            Send(link, messageSize, parse.GetValue(warmup), parse.GetValue(count), parse.GetValue(burst), parse.GetValue(interval));
            return 0;
        }

        Console.WriteLine((Receive(link, kind, how, messageSize) with { SpinUs = spinUs }).ToJson());
        return 0;
    }

    /// <summary>The member whose name is the option's value; otherwise a parse error that lists the names.</summary>
    private static T Choice<T>(ArgumentResult result, T[] members, Func<T, string> name)
        where T : struct, Enum
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        foreach (var member in members)
        {
            if (name(member) == text)
            {
                return member;
            }
        }

        var option = result.Parent is OptionResult parent ? parent.Option.Name : "value";
        result.AddError($"{option} '{text}': expected {string.Join(", ", members.Select(name))}");
        return default;
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

    private static IpcResult Receive(Link link, IpcTransport transport, IpcWait wait, int size)
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

    /// <summary>One end of a transport, moving fixed-size messages.</summary>
    private abstract class Link : IDisposable
    {
        public static Link Open(IpcTransport transport, string endpoint, bool receiver, IpcWait wait, double spinUs, int size) => transport switch
        {
            IpcTransport.Ficm => new FicmLink(endpoint, receiver, wait, spinUs),
            IpcTransport.Futex => new FutexLink(endpoint, receiver, size),
            IpcTransport.Unix => new SocketLink(new UnixDomainSocketEndPoint(endpoint), receiver, SocketType.Seqpacket, endpoint),
            IpcTransport.Tcp => new SocketLink(IPEndPoint.Parse(endpoint), receiver, SocketType.Stream, null),
            IpcTransport.Pipe => new PipeLink(endpoint, receiver),
            _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, "unknown transport"),
        };

        public abstract void Send(ReadOnlySpan<byte> message);

        public abstract void Receive(Span<byte> message);

        public abstract void Dispose();
    }

    private sealed class FicmLink : Link
    {
        private readonly FicmChannel _channel;
        private readonly FicmReader? _reader;

        public FicmLink(string path, bool receiver, IpcWait wait, double spinUs)
        {
            _channel = FicmChannel.Open(path);
            if (receiver)
            {
                var sleep = wait == IpcWait.Sleep;
                var mode = sleep ? FicmWaitMode.SpinThenSleep : FicmWaitMode.SpinOnly;
                _reader = _channel.OpenReader(0, new FicmWaitOptions { WaitMode = mode, SpinDuration = TimeSpan.FromMicroseconds(sleep ? spinUs : 30) });
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

    /// <summary>
    /// The raw futex ping: a ring of fixed-size slots in a shared file (tmpfs, like a channel), whose head
    /// counter is the futex word. The receiver never polls: when the ring is empty it sleeps in FUTEX_WAIT
    /// at once; the sender publishes the head and calls FUTEX_WAKE after every message, whether or not
    /// anybody sleeps. What it measures is the kernel's wake path alone (the futex, the scheduler and, on
    /// a virtual machine, the hypervisor waking an idle vCPU), the floor under FICM's sleeping receiver.
    /// </summary>
    private sealed unsafe class FutexLink : Link
    {
        // Head (the futex word), the receiver's tail and the data on their own cache lines and pages.
        private const int TailOffset = 64;
        private const int DataOffset = 4096;
        private const int Slots = 1024;

        private readonly MemoryMappedFile _file;
        private readonly MemoryMappedViewAccessor _view;
        private readonly byte* _base;
        private readonly int _size;
        private readonly string? _ownedPath;
        private uint _next;

        public FutexLink(string path, bool receiver, int size)
        {
            _size = size;
            var length = DataOffset + ((long)Slots * size);
            if (receiver)
            {
                // Made under another name and renamed, so the sender never maps a file shorter than the ring.
                var building = path + ".new";
                File.Delete(building);
                _file = MemoryMappedFile.CreateFromFile(building, FileMode.CreateNew, null, length, MemoryMappedFileAccess.ReadWrite);
                File.Move(building, path, overwrite: true);
                _ownedPath = path;
            }
            else
            {
                var deadline = Stopwatch.StartNew();
                while (!File.Exists(path) && deadline.Elapsed < TimeSpan.FromSeconds(10))
                {
                    Thread.Sleep(5);
                }

                _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite);
            }

            _view = _file.CreateViewAccessor(0, length, MemoryMappedFileAccess.ReadWrite);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _base = pointer + _view.PointerOffset;
        }

        private uint* Head => (uint*)_base;

        private uint* Tail => (uint*)(_base + TailOffset);

        public override void Send(ReadOnlySpan<byte> message)
        {
            // A full ring: wait on the sender's own CPU; only the receiver's wake-up is being measured.
            while (_next - Volatile.Read(ref *Tail) >= Slots)
            {
                Thread.SpinWait(1);
            }

            message.CopyTo(Slot(_next));
            _next++;
            Volatile.Write(ref *Head, _next);
            FutexCalls.FutexWake(Head);
        }

        public override void Receive(Span<byte> message)
        {
            while (Volatile.Read(ref *Head) == _next)
            {
                // Sleeps only while the head still equals what we have read; a message published in between
                // makes the call return at once (EAGAIN), so no wake-up is lost.
                FutexCalls.FutexWait(Head, _next);
            }

            Slot(_next).CopyTo(message);
            _next++;
            Volatile.Write(ref *Tail, _next);
        }

        public override void Dispose()
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _file.Dispose();
            if (_ownedPath is not null)
            {
                File.Delete(_ownedPath);
            }
        }

        private Span<byte> Slot(uint index) => new(_base + DataOffset + ((long)(index % Slots) * _size), _size);
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
