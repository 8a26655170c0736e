using System.Buffers;
using System.Diagnostics;

namespace RainForest.Channels;

/// <summary>Reads one receiver's ring. Thread safe for <c>TryRead</c> and <c>Read</c>; one pending asynchronous wait at a time.</summary>
/// <remarks>
/// Several readers of the same receiver compete: each message goes to exactly one of them.
/// Waiting spins for <see cref="FicmWaitOptions.SpinDuration"/>, then sleeps on the ring's futex
/// (unless <see cref="FicmWaitMode.SpinOnly"/>); writers make a wake-up system call only when a
/// reader has announced that it sleeps.
/// </remarks>
public sealed class FicmReader : IDisposable, IBlockingWait
{
    private readonly FicmChannel _channel;
    private readonly FicmRing _ring;
    private readonly int _owner;
    private readonly FicmWaitOptions _options;
    private readonly long _spinTicks;
    private readonly long _recoveryTicks;
    private readonly AsyncWaiter _waiter;
    private int _disposed;

    internal unsafe FicmReader(FicmChannel channel, int receiverIndex, FicmWaitOptions options)
    {
        options.Validate();
        _channel = channel;
        _ring = channel.Rings[receiverIndex];
        _owner = channel.Participants.SelfTag;
        ReceiverIndex = receiverIndex;
        _options = options;
        _spinTicks = (long)(options.SpinDuration.TotalSeconds * Stopwatch.Frequency);
        _recoveryTicks = (long)(options.RecoveryCheckInterval.TotalSeconds * Stopwatch.Frequency);
        _waiter = new AsyncWaiter(this, "ficm-reader-wait");
        channel.Memory.AddReference();
        Volatile.Write(ref _ring.Header->ReaderPid, Environment.ProcessId);
        Volatile.Write(ref _ring.Header->ReaderOwner, (uint)_owner + 1);
    }

    /// <summary>The receiver this reader reads.</summary>
    public int ReceiverIndex { get; }

    /// <summary>The largest payload this channel carries: a destination this big always suffices.</summary>
    public int MaxMessageSize => _channel.MaxMessageSize;

    /// <summary>How this reader waits.</summary>
    public FicmWaitOptions Options => _options;

    /// <summary>Whether the channel is completed and this receiver's ring is drained: no read will ever succeed again.</summary>
    public bool IsCompleted => _channel.IsCompleted && _ring.Peek(out _, out _) == PeekStatus.Empty;

    /// <summary>Reads the next message into <paramref name="destination"/> if one is there.</summary>
    /// <param name="destination">Where the payload goes.</param>
    /// <param name="length">The payload's length.</param>
    /// <returns>False when nothing is readable (empty, or the next message is still being written).</returns>
    /// <exception cref="ArgumentException">The next message is longer than <paramref name="destination"/>; it stays in the ring.</exception>
    public bool TryRead(Span<byte> destination, out int length)
    {
        ThrowIfDisposed();
        var status = _ring.TryClaim(_owner, destination.Length, out var claim);
        if (status == ClaimStatus.Claimed)
        {
            _ring.CopyOut(claim, destination);
            _ring.Release(claim);
            length = claim.Length;
            return true;
        }

        if (status == ClaimStatus.TooSmall)
        {
            ThrowHelper.ThrowDestinationTooSmall(destination.Length, claim.Length);
        }

        length = 0;
        return false;
    }

    /// <summary>
    /// <see cref="TryRead(Span{byte}, out int)"/> without the exception: on
    /// <see cref="ClaimStatus.TooSmall"/>, <paramref name="length"/> is the next message's length, and the message stays.
    /// </summary>
    internal ClaimStatus TryReadCore(Span<byte> destination, out int length)
    {
        ThrowIfDisposed();
        var status = _ring.TryClaim(_owner, destination.Length, out var claim);
        if (status == ClaimStatus.Claimed)
        {
            _ring.CopyOut(claim, destination);
            _ring.Release(claim);
        }

        length = claim.Length;
        return status;
    }

    /// <summary>Reads the next message into a pooled buffer if one is there; dispose the message to return the buffer.</summary>
    public bool TryRead(out FicmMessage message)
    {
        ThrowIfDisposed();
        if (_ring.TryClaim(_owner, int.MaxValue, out var claim) != ClaimStatus.Claimed)
        {
            message = default;
            return false;
        }

        var buffer = claim.Length == 0 ? [] : ArrayPool<byte>.Shared.Rent(claim.Length);
        _ring.CopyOut(claim, buffer);
        _ring.Release(claim);
        message = new FicmMessage(buffer, claim.Length);
        return true;
    }

    /// <summary>Waits until a message is readable (true) or the channel is completed and this ring drained (false).</summary>
    /// <exception cref="System.Threading.Channels.ChannelClosedException">The channel was completed with an error and this ring is drained.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public bool WaitToRead(CancellationToken cancellationToken = default) => WaitCore(cancellationToken, spin: true);

    /// <summary>Reads the next message, waiting for one.</summary>
    /// <returns>The payload's length.</returns>
    /// <exception cref="System.Threading.Channels.ChannelClosedException">The channel is completed and this ring drained.</exception>
    /// <exception cref="ArgumentException">The next message is longer than <paramref name="destination"/>.</exception>
    public int Read(Span<byte> destination, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (TryRead(destination, out var length))
            {
                return length;
            }

            if (!WaitToRead(cancellationToken))
            {
                throw _channel.CreateClosedException();
            }
        }
    }

    /// <summary>Waits until a message is readable (true) or the channel is completed and drained (false); spins in the caller first, then sleeps on a background thread.</summary>
    /// <exception cref="System.Threading.Channels.ChannelClosedException">The channel was completed with an error and this ring is drained.</exception>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<bool>(cancellationToken);
        }

        var spinUntil = Stopwatch.GetTimestamp() + _spinTicks;
        while (true)
        {
            var completion = _channel.CompletionState;
            var peek = _ring.Peek(out _, out _);
            if (peek == PeekStatus.Available)
            {
                return new ValueTask<bool>(true);
            }

            if (peek == PeekStatus.Empty && completion != FicmChannel.CompletionOpen)
            {
                return _channel.IsFaulted() ? ValueTask.FromException<bool>(_channel.CreateClosedException()) : new ValueTask<bool>(false);
            }

            if (Stopwatch.GetTimestamp() >= spinUntil)
            {
                return _waiter.WaitAsync(cancellationToken);
            }

            Thread.SpinWait(1);
        }
    }

    /// <summary>Reads the next message into <paramref name="destination"/>, waiting for one.</summary>
    /// <returns>The payload's length.</returns>
    /// <exception cref="System.Threading.Channels.ChannelClosedException">The channel is completed and this ring drained.</exception>
    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (TryRead(destination.Span, out var length))
            {
                return length;
            }

            if (!await WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw _channel.CreateClosedException();
            }
        }
    }

    /// <summary>Reads the next message into a pooled buffer, waiting for one; dispose the message to return the buffer.</summary>
    /// <exception cref="System.Threading.Channels.ChannelClosedException">The channel is completed and this ring drained.</exception>
    public async ValueTask<FicmMessage> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (TryRead(out FicmMessage message))
            {
                return message;
            }

            if (!await WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw _channel.CreateClosedException();
            }
        }
    }

    /// <summary>Leaves this receiver out of broadcast and multicast writes from now on (see <see cref="FicmChannel.DetachReceiver"/>).</summary>
    public void Detach() => _channel.DetachReceiver(ReceiverIndex);

    /// <summary>Releases this reader; a blocked wait on it ends with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _waiter.Stop();
        _ring.WakeReaders();
        _channel.Memory.Release();
    }

    /// <summary>Test hook: claims the next message and keeps it, as a reader killed mid-read would.</summary>
    internal bool ClaimWithoutReleaseForTesting(out int length, bool publishHead = true)
    {
        var status = _ring.TryClaim(_owner, int.MaxValue, out var claim, publishHead);
        length = claim.Length;
        return status == ClaimStatus.Claimed;
    }

    bool IBlockingWait.Wait(CancellationToken cancellationToken) => WaitCore(cancellationToken, spin: false);

    private bool WaitCore(CancellationToken cancellationToken, bool spin)
    {
        var spinOnly = _options.WaitMode == FicmWaitMode.SpinOnly;
        var sleeping = !spin && !spinOnly;
        var spinUntil = Stopwatch.GetTimestamp() + _spinTicks;
        long stuckPosition = -1;
        long recoverAt = 0;
        var iterations = 0;
        CancellationTokenRegistration registration = default;
        try
        {
            while (true)
            {
                // Completion is read before the ring: a writer that claimed before the completion
                // is then certainly seen (docs/channels.md, "Completion").
                var completion = _channel.CompletionState;
                var peek = _ring.Peek(out var position, out _);
                if (peek == PeekStatus.Available)
                {
                    return true;
                }

                if (peek == PeekStatus.Empty && completion != FicmChannel.CompletionOpen)
                {
                    return _channel.IsFaulted() ? throw _channel.CreateClosedException() : false;
                }

                ThrowIfDisposed();
                cancellationToken.ThrowIfCancellationRequested();
                if (!sleeping && (++iterations & 31) != 0)
                {
                    Thread.SpinWait(1);
                    continue;
                }

                var now = Stopwatch.GetTimestamp();
                var timeoutMs = -1;
                if (peek == PeekStatus.InFlight)
                {
                    // A writer holds the head record. It will commit and wake us, unless it died:
                    // check its owner every recovery interval.
                    if (position != stuckPosition)
                    {
                        stuckPosition = position;
                        recoverAt = now + _recoveryTicks;
                    }
                    else if (now >= recoverAt)
                    {
                        if (_ring.TryRecover(position, _channel.Participants, _owner))
                        {
                            continue;
                        }

                        recoverAt = now + _recoveryTicks;
                    }

                    timeoutMs = (int)Math.Clamp((recoverAt - now) * 1000 / Stopwatch.Frequency, 1, int.MaxValue);
                }

                if (!sleeping)
                {
                    if (spinOnly || now < spinUntil)
                    {
                        Thread.SpinWait(1);
                        continue;
                    }

                    sleeping = true;
                }

                if (cancellationToken.CanBeCanceled && registration == default)
                {
                    registration = cancellationToken.UnsafeRegister(static state => ((FicmRing)state!).WakeReaders(), _ring);
                }

                var futexValue = _ring.BeginReaderSleep();
                try
                {
                    // Look again after announcing the sleep: a writer that committed before it saw
                    // no sleeper and will not wake us.
                    completion = _channel.CompletionState;
                    peek = _ring.Peek(out _, out _);
                    if ((peek == PeekStatus.InFlight || (peek == PeekStatus.Empty && completion == FicmChannel.CompletionOpen))
                        && !cancellationToken.IsCancellationRequested && Volatile.Read(ref _disposed) == 0)
                    {
                        _ring.SleepForData(futexValue, timeoutMs);
                    }
                }
                finally
                {
                    _ring.EndReaderSleep();
                }
            }
        }
        finally
        {
            registration.Dispose();
        }
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            ThrowHelper.ThrowObjectDisposed(this);
        }
    }
}
