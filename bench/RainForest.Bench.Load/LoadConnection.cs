using System.Buffers;
using System.Net;
using System.Net.Sockets;
using HdrHistogram;
using RainForest.Bench.Load.Protocol;

namespace RainForest.Bench.Load;

/// <summary>
/// One pipelined TCP connection of a run: the sender appends requests and flushes them without
/// blocking; the receiver thread (<see cref="ReplyReceiver"/>) matches replies to requests in order and records their latency.
/// </summary>
/// <remarks>
/// Requests go to connections round-robin, so the k-th request on connection c is request
/// <c>c + k * stride</c> of the schedule; memcached answers a connection's requests in order, so the
/// k-th reply answers it. No queue of outstanding requests is needed: the receiver computes the
/// request from its reply count, and the intended time from the schedule.
/// </remarks>
internal sealed class LoadConnection : IDisposable
{
    private const int InitialBufferSize = 64 * 1024;

    private readonly Socket _socket;
    private readonly int _index;
    private readonly int _stride;
    private readonly TimeSpan _setupTimeout;
    private byte[] _sendBuffer = new byte[InitialBufferSize];
    private int _sendStart;
    private int _sendEnd;
    private byte[] _receiveBuffer = new byte[InitialBufferSize];
    private int _receiveStart;
    private int _receiveEnd;

    // Written by the sender, read by the receiver: a reply beyond it answers no request.
    private long _appended;

    // Written by the receiver, read by the coordinator for progress and for the end of the run.
    private long _answered;
    private volatile bool _faulted;

    private LoadConnection(Socket socket, int index, int stride, TimeSpan setupTimeout, LongHistogram histogram)
    {
        _socket = socket;
        _setupTimeout = setupTimeout;
        _index = index;
        _stride = stride;
        Histogram = histogram;
    }

    /// <summary>Latencies of measured, non-error replies, in nanoseconds; the receiver's own.</summary>
    public LongHistogram Histogram { get; }

    /// <summary>Measured gets that hit.</summary>
    public long Hits { get; private set; }

    /// <summary>Measured gets that missed.</summary>
    public long Misses { get; private set; }

    /// <summary>Measured sets with a non-error reply.</summary>
    public long Stores { get; private set; }

    /// <summary>Measured requests answered with an error reply.</summary>
    public long ErrorReplies { get; private set; }

    /// <summary>Measured non-error replies within the goodput limit.</summary>
    public long WithinGoodputLimit { get; private set; }

    /// <summary>Run time of the last measured completion, nanoseconds.</summary>
    public long LastCompletionNs { get; private set; }

    /// <summary>Why the connection failed, if it did.</summary>
    public Exception? Fault { get; private set; }

    /// <summary>Whether the connection failed and takes no more requests.</summary>
    public bool IsFaulted => _faulted;

    /// <summary>Requests written to the send buffer.</summary>
    public long Appended => Volatile.Read(ref _appended);

    /// <summary>Replies matched to requests.</summary>
    public long Answered => Volatile.Read(ref _answered);

    /// <summary>Whether bytes wait in the send buffer (the socket buffer was full).</summary>
    public bool HasPendingBytes => _sendStart < _sendEnd;

    /// <summary>Set by the sender while the connection is on its list of connections to flush.</summary>
    public bool QueuedForFlush { get; set; }

    /// <summary>Opens connection <paramref name="index"/> of <paramref name="stride"/> with TCP_NODELAY, blocking for at most <paramref name="timeout"/>.</summary>
    /// <remarks>
    /// The socket is non-blocking from the start and every wait is a poll(2) of this class's own, on purpose: a socket
    /// that has once waited in the runtime (an asynchronous call, or a blocking one that had to wait) stays registered
    /// with the runtime's epoll thread, which then hands every reply of the run to the thread pool, whose workers spin,
    /// even though <see cref="ReplyReceiver"/> reads the replies itself.
    /// </remarks>
    /// <exception cref="TimeoutException">The connection was not made within <paramref name="timeout"/>.</exception>
    /// <exception cref="SocketException">The connection was refused or failed.</exception>
    public static LoadConnection Connect(IPEndPoint endPoint, int index, int stride, TimeSpan highestTrackable, TimeSpan timeout)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Blocking = false;
            try
            {
                socket.Connect(endPoint);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
            {
                // The connection is under way: writable means made or failed, and SO_ERROR says which.
                if (!socket.Poll(timeout, SelectMode.SelectWrite))
                {
                    throw new TimeoutException($"Connecting to {endPoint} took longer than {timeout}.");
                }

                var error = (SocketError)(int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
                if (error != SocketError.Success)
                {
                    throw new SocketException((int)error);
                }
            }

            return new LoadConnection(socket, index, stride, timeout, LatencyHistograms.Create(highestTrackable));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stores keys <c>index, index + stride, ...</c> below <paramref name="keyCount"/> with pipelined
    /// sets, a window at a time; returns how many were stored. Call before the run.
    /// Each send and receive waits at most the timeout <see cref="Connect"/> was given.
    /// </summary>
    /// <exception cref="TimeoutException">A batch was not answered in time.</exception>
    /// <exception cref="EndOfStreamException">The server closed the connection.</exception>
    /// <exception cref="InvalidDataException">A reply was not a set's.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (checked between batches).</exception>
    public long Preload(MemcachedRequestWriter writer, int keyCount, CancellationToken cancellationToken)
    {
        const int Window = 64;
        long stored = 0;
        long key = _index;
        var request = new byte[Window * writer.SetRequestLength];
        while (key < keyCount)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int length = 0;
            int batch = 0;
            for (; batch < Window && key < keyCount; batch++, key += _stride)
            {
                length += writer.WriteSet(request.AsSpan(length), (int)key);
            }

            for (int sent = 0; sent < length;)
            {
                int written = _socket.Send(request.AsSpan(sent, length - sent), SocketFlags.None, out SocketError error);
                if (error == SocketError.WouldBlock)
                {
                    Await(SelectMode.SelectWrite);
                }
                else if (error != SocketError.Success)
                {
                    throw new SocketException((int)error);
                }

                sent += written;
            }

            for (int replies = 0; replies < batch;)
            {
                while (TryParseBuffered(out MemcachedResponseKind kind))
                {
                    if (kind is MemcachedResponseKind.Hit or MemcachedResponseKind.Miss)
                    {
                        throw new InvalidDataException($"Reply '{kind}' to a preload set.");
                    }

                    stored += kind == MemcachedResponseKind.Stored ? 1 : 0;
                    replies++;
                }

                if (replies < batch && ReceiveMore() == 0)
                {
                    throw new EndOfStreamException("The server closed the connection during the preload.");
                }
            }
        }

        return stored;
    }

    /// <summary>Appends request <paramref name="requestIndex"/> of the schedule to the send buffer; false if the connection failed.</summary>
    /// <remarks>Sender thread only. The request counts as appended before its bytes can reach the server.</remarks>
    public bool TryAppend(MemcachedRequestWriter writer, long requestIndex, bool isGet, int key)
    {
        if (_faulted)
        {
            return false;
        }

        EnsureSendSpace(isGet ? writer.GetRequestLength : writer.SetRequestLength);
        Span<byte> destination = _sendBuffer.AsSpan(_sendEnd);
        _sendEnd += isGet ? writer.WriteGet(destination, key) : writer.WriteSet(destination, key);
        Volatile.Write(ref _appended, _appended + 1);
        return true;
    }

    /// <summary>Writes what the socket takes without blocking; the rest stays for the next call.</summary>
    /// <remarks>Sender thread only. Never blocks, so one slow connection cannot delay the others' sends.</remarks>
    public void Flush()
    {
        while (_sendStart < _sendEnd && !_faulted)
        {
            int written = _socket.Send(_sendBuffer.AsSpan(_sendStart, _sendEnd - _sendStart), SocketFlags.None, out SocketError error);
            if (error == SocketError.Success)
            {
                _sendStart += written;
            }
            else if (error == SocketError.WouldBlock)
            {
                break;
            }
            else
            {
                MarkFaulted(new SocketException((int)error));
            }
        }

        if (_sendStart == _sendEnd)
        {
            _sendStart = 0;
            _sendEnd = 0;
        }
    }

    /// <summary>The socket's file descriptor, for the receiver thread's poll; valid until <see cref="Dispose"/>.</summary>
    public int Descriptor => (int)_socket.SafeHandle.DangerousGetHandle();

    /// <summary>
    /// Reads what the socket holds now, without blocking, matching each reply to its
    /// request and recording measured latencies; returns at the first read that would block. Never throws: failures
    /// and a closed connection mark the connection faulted.
    /// </summary>
    /// <param name="schedule">The run's requests.</param>
    /// <param name="clock">The run's clock.</param>
    /// <param name="highestTrackableNs">Latencies above are recorded as this.</param>
    /// <param name="goodputLimitNs">Replies slower than this do not count as goodput.</param>
    /// <param name="window">Also records each measured latency here, for the run's windows; null for none.</param>
    public void ReceiveAvailable(RequestSchedule schedule, RunClock clock, long highestTrackableNs, long goodputLimitNs, Recorder? window = null)
    {
        try
        {
            while (!_faulted)
            {
                MakeReceiveSpace();
                int received = _socket.Receive(_receiveBuffer.AsSpan(_receiveEnd), SocketFlags.None, out SocketError error);
                if (error == SocketError.WouldBlock)
                {
                    return;
                }

                if (error != SocketError.Success)
                {
                    MarkFaulted(new SocketException((int)error));
                    return;
                }

                if (received == 0)
                {
                    MarkFaulted(new EndOfStreamException("The server closed the connection."));
                    return;
                }

                long nowNs = clock.NowNs();
                _receiveEnd += received;
                while (TryParseBuffered(out MemcachedResponseKind kind))
                {
                    Complete(schedule, kind, nowNs, highestTrackableNs, goodputLimitNs, window);
                }
            }
        }
        catch (Exception exception)
        {
            MarkFaulted(exception);
        }
    }

    /// <summary>Number of request indices in [from, to) that belong to this connection.</summary>
    public long CountOwned(long from, long to)
    {
        long Below(long x) => x <= _index ? 0 : (x - _index + _stride - 1) / _stride;
        return to <= from ? 0 : Below(to) - Below(from);
    }

    /// <summary>Schedule index of the first request on this connection without a reply.</summary>
    public long FirstUnanswered => _index + (Answered * _stride);

    /// <inheritdoc/>
    public void Dispose() => _socket.Dispose();

    private void Complete(RequestSchedule schedule, MemcachedResponseKind kind, long nowNs, long highestTrackableNs, long goodputLimitNs, Recorder? window)
    {
        long k = _answered;
        if (k >= Volatile.Read(ref _appended))
        {
            throw new InvalidDataException($"Reply '{kind}' on connection {_index} answers no request.");
        }

        long request = _index + (k * _stride);
        bool isGet = schedule.IsGet[(int)request];
        bool fits = kind switch
        {
            MemcachedResponseKind.Hit or MemcachedResponseKind.Miss => isGet,
            MemcachedResponseKind.Stored or MemcachedResponseKind.NotStored
                or MemcachedResponseKind.Exists or MemcachedResponseKind.NotFound => !isGet,
            _ => true,
        };
        if (!fits)
        {
            throw new InvalidDataException($"Reply '{kind}' to a {(isGet ? "get" : "set")} on connection {_index}.");
        }

        Volatile.Write(ref _answered, k + 1);
        if (request < schedule.FirstMeasured)
        {
            return;
        }

        switch (kind)
        {
            case MemcachedResponseKind.Error or MemcachedResponseKind.ClientError or MemcachedResponseKind.ServerError:
                ErrorReplies++;
                return;
            case MemcachedResponseKind.Hit:
                Hits++;
                break;
            case MemcachedResponseKind.Miss:
                Misses++;
                break;
            default:
                Stores++;
                break;
        }

        long latencyNs = Math.Clamp(nowNs - schedule.OffsetsNs[(int)request], 0, highestTrackableNs);
        Histogram.RecordValue(latencyNs);
        window?.RecordValue(latencyNs);
        if (latencyNs <= goodputLimitNs)
        {
            WithinGoodputLimit++;
        }

        LastCompletionNs = Math.Max(LastCompletionNs, nowNs);
    }

    private bool TryParseBuffered(out MemcachedResponseKind kind)
    {
        var reader = new SequenceReader<byte>(
            new ReadOnlySequence<byte>(_receiveBuffer, _receiveStart, _receiveEnd - _receiveStart));
        if (!MemcachedResponseParser.TryParse(ref reader, out kind))
        {
            return false;
        }

        _receiveStart += (int)reader.Consumed;
        if (_receiveStart == _receiveEnd)
        {
            _receiveStart = 0;
            _receiveEnd = 0;
        }

        return true;
    }

    /// <summary>Receives at least one byte, waiting at most the setup timeout; 0 when the server closed the connection.</summary>
    private int ReceiveMore()
    {
        MakeReceiveSpace();
        while (true)
        {
            int received = _socket.Receive(_receiveBuffer.AsSpan(_receiveEnd), SocketFlags.None, out SocketError error);
            if (error == SocketError.WouldBlock)
            {
                Await(SelectMode.SelectRead);
                continue;
            }

            if (error != SocketError.Success)
            {
                throw new SocketException((int)error);
            }

            _receiveEnd += received;
            return received;
        }
    }

    /// <summary>Waits in poll(2) until the socket is ready for <paramref name="mode"/>, at most the setup timeout (the preload's waits).</summary>
    private void Await(SelectMode mode)
    {
        if (!_socket.Poll(_setupTimeout, mode))
        {
            throw new TimeoutException(mode == SelectMode.SelectRead
                ? $"A preload batch was not answered within {_setupTimeout}."
                : $"A preload batch could not be sent within {_setupTimeout}.");
        }
    }

    private void MakeReceiveSpace()
    {
        if (_receiveEnd < _receiveBuffer.Length)
        {
            return;
        }

        // Full: move the unparsed tail to the front, or grow when one reply fills the buffer.
        int unparsed = _receiveEnd - _receiveStart;
        byte[] target = _receiveStart > 0 ? _receiveBuffer : new byte[_receiveBuffer.Length * 2];
        Buffer.BlockCopy(_receiveBuffer, _receiveStart, target, 0, unparsed);
        _receiveBuffer = target;
        _receiveStart = 0;
        _receiveEnd = unparsed;
    }

    private void EnsureSendSpace(int bytes)
    {
        if (_sendBuffer.Length - _sendEnd >= bytes)
        {
            return;
        }

        // The server is reading slower than we write (or not at all): keep every byte, since an
        // open-loop generator does not hold requests back; the run's deadline bounds the growth.
        int pending = _sendEnd - _sendStart;
        byte[] target = _sendBuffer.Length - pending >= bytes
            ? _sendBuffer
            : new byte[Math.Max(_sendBuffer.Length * 2, pending + bytes)];
        Buffer.BlockCopy(_sendBuffer, _sendStart, target, 0, pending);
        _sendBuffer = target;
        _sendStart = 0;
        _sendEnd = pending;
    }

    private void MarkFaulted(Exception exception)
    {
        if (_faulted)
        {
            return;
        }

        Fault = exception;
        _faulted = true;
    }
}
