using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace RainForest.Bench.Load.Tests;

/// <summary>
/// A memcached stand-in on 127.0.0.1 with a chosen reply delay, an optional stall, and ways to fail,
/// so the generator's timing can be checked against known server behaviour.
/// </summary>
/// <remarks>
/// Each reply leaves no earlier than <see cref="Delay"/> after its request arrived (the waits round
/// up to whole milliseconds, so it may leave up to about 2 ms later). Requests that arrive during
/// the stall window are answered when it ends, like a server paused by a co-located batch job.
/// </remarks>
internal sealed class FakeMemcachedServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, byte[]> _store = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly ConcurrentBag<Socket> _sockets = [];
    private readonly Task _acceptLoop;
    private long _firstRequestTimestamp;
    private long _requests;

    public FakeMemcachedServer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>How long each reply waits after its request arrived.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>When the stall starts, counted from the first request the server received.</summary>
    public TimeSpan StallAfter { get; init; }

    /// <summary>How long the stall lasts; zero for none.</summary>
    public TimeSpan StallFor { get; init; }

    /// <summary>Answer every set with SERVER_ERROR instead of storing it.</summary>
    public bool FailSets { get; init; }

    /// <summary>Close each connection, without replying, when it receives its request number N (1-based); 0 for never.</summary>
    public int CloseAfterRequests { get; init; }

    /// <summary>The port the server listens on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Requests received so far, all connections together.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (Socket socket in _sockets)
        {
            socket.Dispose();
        }

        await Task.WhenAll([_acceptLoop, .. _connections]);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                Socket socket = await _listener.AcceptSocketAsync(_stop.Token);
                socket.NoDelay = true;
                _sockets.Add(socket);
                _connections.Add(ServeAsync(socket));
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var replies = Channel.CreateUnbounded<(long Due, byte[] Reply)>(
            new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        Task writer = WriteRepliesAsync(socket, replies.Reader);
        var buffer = new byte[64 * 1024];
        int start = 0;
        int end = 0;
        int received = 0;
        try
        {
            while (true)
            {
                if (end == buffer.Length)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }

                int n = await socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None, _stop.Token);
                if (n == 0)
                {
                    break;
                }

                long now = Stopwatch.GetTimestamp();
                Interlocked.CompareExchange(ref _firstRequestTimestamp, now, 0);
                end += n;
                while (TryReadRequest(buffer, ref start, end, out byte[] reply))
                {
                    Interlocked.Increment(ref _requests);
                    if (++received == CloseAfterRequests)
                    {
                        // Answer what came before, then drop the connection.
                        replies.Writer.TryComplete();
                        await writer;
                        socket.Shutdown(SocketShutdown.Both);
                        socket.Close();
                        return;
                    }

                    replies.Writer.TryWrite((DueTime(now), reply));
                }
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested || socket.SafeHandle.IsClosed)
        {
        }
        catch (SocketException)
        {
            // The generator closed the connection at the end of its run.
        }
        finally
        {
            replies.Writer.TryComplete();
            await writer;
        }
    }

    private long DueTime(long received)
    {
        long due = received + (long)(Delay.TotalSeconds * Stopwatch.Frequency);
        if (StallFor > TimeSpan.Zero)
        {
            long stallStart = Interlocked.Read(ref _firstRequestTimestamp) + (long)(StallAfter.TotalSeconds * Stopwatch.Frequency);
            long stallEnd = stallStart + (long)(StallFor.TotalSeconds * Stopwatch.Frequency);
            if (received >= stallStart && received < stallEnd)
            {
                due = Math.Max(due, stallEnd);
            }
        }

        return due;
    }

    private async Task WriteRepliesAsync(Socket socket, ChannelReader<(long Due, byte[] Reply)> replies)
    {
        var batch = new List<byte>(64 * 1024);
        try
        {
            while (await replies.WaitToReadAsync(_stop.Token))
            {
                while (replies.TryPeek(out (long Due, byte[] Reply) next))
                {
                    await WaitUntilAsync(next.Due);
                    long now = Stopwatch.GetTimestamp();
                    while (replies.TryPeek(out next) && next.Due <= now)
                    {
                        replies.TryRead(out _);
                        batch.AddRange(next.Reply);
                    }

                    await socket.SendAsync(batch.ToArray(), SocketFlags.None, _stop.Token);
                    batch.Clear();
                }
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested || socket.SafeHandle.IsClosed)
        {
        }
        catch (SocketException)
        {
        }
    }

    private async Task WaitUntilAsync(long due)
    {
        while (true)
        {
            long remaining = due - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }

            // Timers fire in whole milliseconds; rounding up never answers early.
            int milliseconds = (int)Math.Max(1, Math.Ceiling(remaining * 1000.0 / Stopwatch.Frequency));
            await Task.Delay(milliseconds, _stop.Token);
        }
    }

    /// <summary>Parses one get or set at <paramref name="start"/>; false if it has not fully arrived.</summary>
    private bool TryReadRequest(byte[] buffer, ref int start, int end, out byte[] reply)
    {
        reply = [];
        int lineEnd = buffer.AsSpan(start, end - start).IndexOf("\r\n"u8);
        if (lineEnd < 0)
        {
            return false;
        }

        string[] words = Encoding.ASCII.GetString(buffer, start, lineEnd).Split(' ');
        int next = start + lineEnd + 2;
        if (words is ["get", string key])
        {
            reply = _store.TryGetValue(key, out byte[]? value)
                ? [.. Encoding.ASCII.GetBytes($"VALUE {key} 0 {value.Length}\r\n"), .. value, .. "\r\nEND\r\n"u8]
                : "END\r\n"u8.ToArray();
        }
        else if (words is ["set", string setKey, _, _, string lengthText])
        {
            int length = int.Parse(lengthText, System.Globalization.CultureInfo.InvariantCulture);
            if (end - next < length + 2)
            {
                return false;
            }

            if (FailSets)
            {
                reply = "SERVER_ERROR out of memory storing object\r\n"u8.ToArray();
            }
            else
            {
                _store[setKey] = buffer.AsSpan(next, length).ToArray();
                reply = "STORED\r\n"u8.ToArray();
            }

            next += length + 2;
        }
        else
        {
            reply = "ERROR\r\n"u8.ToArray();
        }

        start = next;
        return true;
    }
}
