using System.Threading.Channels;
using RainForest.Channels;
using RainForest.Channels.Peer;

// A peer process for the channel tests. Every mode prints one line when it is ready or done, so
// the test can synchronise on stdout; exit code 0 means every check passed.
var mode = args.Length > 0 ? args[0] : string.Empty;
try
{
    return mode switch
    {
        "write" => Write(args[1], int.Parse(args[2]), int.Parse(args[3])),
        "read" => Read(args[1], int.Parse(args[2]), int.Parse(args[3])),
        "echo" => Echo(args[1], args[2]),
        "write-and-hang" => WriteAndHang(args[1]),
        "read-and-hang" => ReadAndHang(args[1], int.Parse(args[2])),
        "zone" => Zone(args[1], long.Parse(args[2])),
        _ => Usage(),
    };
}
catch (Exception error)
{
    Console.Error.WriteLine($"peer {mode} failed: {error}");
    return 3;
}

static int Usage()
{
    Console.Error.WriteLine("usage: peer write PATH COUNT WRITER_ID | read PATH RECEIVER COUNT | echo REQUEST REPLY | write-and-hang PATH | read-and-hang PATH RECEIVER | zone PATH SIZE");
    return 2;
}

static int Write(string path, int count, int writerId)
{
    using var channel = FicmChannel.Open(path);
    var buffer = new byte[channel.MaxMessageSize];
    Console.WriteLine("ready");
    for (var sequence = 0; sequence < count; sequence++)
    {
        var length = PeerMessages.LengthOf(writerId, sequence, channel.MaxMessageSize);
        PeerMessages.Fill(buffer.AsSpan(0, length), writerId, sequence);
        channel.Writer.Write(buffer.AsSpan(0, length));
    }

    Console.WriteLine($"wrote {count}");
    return 0;
}

static int Read(string path, int receiver, int count)
{
    using var channel = FicmChannel.Open(path);
    using var reader = channel.OpenReader(receiver);
    var buffer = new byte[channel.MaxMessageSize];
    var last = new Dictionary<int, int>();
    long checksum = 0;
    Console.WriteLine("ready");
    for (var i = 0; i < count; i++)
    {
        var length = reader.Read(buffer);
        var (writerId, sequence) = PeerMessages.Check(buffer.AsSpan(0, length), channel.MaxMessageSize);
        if (last.TryGetValue(writerId, out var previous) && sequence <= previous)
        {
            throw new InvalidDataException($"writer {writerId}: sequence {sequence} after {previous}");
        }

        last[writerId] = sequence;
        checksum += ((long)writerId << 32) + sequence;
    }

    Console.WriteLine($"read {count} {checksum}");
    return 0;
}

static int Echo(string requestPath, string replyPath)
{
    using var requests = FicmChannel.Open(requestPath);
    using var replies = FicmChannel.Open(replyPath);
    using var reader = requests.OpenReader(0);
    var buffer = new byte[requests.MaxMessageSize];
    Console.WriteLine("ready");
    var echoed = 0;
    try
    {
        while (true)
        {
            var length = reader.Read(buffer);
            replies.Writer.Write(buffer.AsSpan(0, length));
            echoed++;
        }
    }
    catch (ChannelClosedException)
    {
        replies.Writer.TryComplete();
    }

    Console.WriteLine($"echoed {echoed}");
    return 0;
}

static int WriteAndHang(string path)
{
    using var channel = FicmChannel.Open(path);
    var message = PeerMessages.Create(99, 0, channel.MaxMessageSize);
    if (!channel.Writer.ReserveWithoutCommitForTesting(message, message.Length / 2))
    {
        Console.WriteLine("full");
        return 4;
    }

    Console.WriteLine("reserved");
    Thread.Sleep(Timeout.Infinite);
    return 0;
}

static int ReadAndHang(string path, int receiver)
{
    using var channel = FicmChannel.Open(path);
    using var reader = channel.OpenReader(receiver);
    while (!reader.ClaimWithoutReleaseForTesting(out _))
    {
        reader.WaitToRead();
    }

    Console.WriteLine("claimed");
    Thread.Sleep(Timeout.Infinite);
    return 0;
}

static int Zone(string path, long size)
{
    using var zone = RfCom.Map(path, size, SharedZoneFlags.None);
    var span = zone.Span;
    for (var i = 0; i < 256; i++)
    {
        span[i] = (byte)(255 - i);
    }

    Console.WriteLine("written");

    // The test answers through the same memory: wait for its byte, then acknowledge it.
    var deadline = Environment.TickCount64 + 30_000;
    while (Volatile.Read(ref span[(int)size - 1]) != 1)
    {
        if (Environment.TickCount64 > deadline)
        {
            Console.WriteLine("timeout");
            return 5;
        }

        Thread.Sleep(1);
    }

    Volatile.Write(ref span[(int)size - 2], 2);
    Console.WriteLine("acknowledged");
    return 0;
}
