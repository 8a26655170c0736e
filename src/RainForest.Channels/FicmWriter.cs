using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using RainForest.Channels.Layout;

namespace RainForest.Channels;

/// <summary>Writes messages into a channel. Thread safe for <c>Offer</c>, <c>TryWrite</c> and <c>Write</c>; one pending <c>WriteAsync</c> at a time.</summary>
/// <remarks>
/// A message goes to every target ring or to none: a multicast write first checks every target
/// has room, then claims a record in each, and drops the records it got if another writer took
/// the last room meanwhile. Writes never overwrite: a full ring makes <c>TryWrite</c> return false
/// and <c>Write</c>/<c>WriteAsync</c> wait.
/// </remarks>
public sealed class FicmWriter : IDisposable, IBlockingWait
{
    private readonly FicmChannel _channel;
    private readonly FicmRing[] _rings;
    private readonly long[] _cachedReleased;
    private readonly int _owner;
    private readonly int _pid;
    private readonly int _maxMessageSize;
    private readonly FicmChannelMode _mode;
    private readonly ulong _allReceivers;
    private readonly FicmWaitOptions _options;
    private readonly long _spinTicks;
    private readonly long _recoveryTicks;
    private readonly AsyncWaiter _waiter;
    private ulong _asyncTargets;
    private int _asyncSlots;
    private int _disposed;

    internal FicmWriter(FicmChannel channel, FicmWaitOptions options)
    {
        options.Validate();
        _channel = channel;
        _rings = channel.Rings;
        _cachedReleased = new long[_rings.Length];
        _owner = channel.Participants.SelfTag;
        _pid = Environment.ProcessId;
        _maxMessageSize = channel.MaxMessageSize;
        _mode = channel.Mode;
        _allReceivers = _rings.Length == 64 ? ulong.MaxValue : (1UL << _rings.Length) - 1;
        _options = options;
        _spinTicks = (long)(options.SpinDuration.TotalSeconds * Stopwatch.Frequency);
        _recoveryTicks = (long)(options.RecoveryCheckInterval.TotalSeconds * Stopwatch.Frequency);
        _waiter = new AsyncWaiter(this, "ficm-writer-wait");
        channel.Memory.AddReference();
    }

    /// <summary>The largest payload this channel carries.</summary>
    public int MaxMessageSize => _maxMessageSize;

    /// <summary>How this writer waits for room.</summary>
    public FicmWaitOptions Options => _options;

    /// <summary>Whether the channel is completed.</summary>
    public bool IsCompleted => _channel.IsCompleted;

    /// <summary>Tries to write a message to the default receivers (the one ring of a unicast channel, every attached receiver otherwise), saying why it could not.</summary>
    /// <remarks>Never blocks and never makes a system call unless a sleeping reader must be woken.</remarks>
    /// <exception cref="ArgumentException">The message is longer than <see cref="MaxMessageSize"/>.</exception>
    public FicmWriteStatus Offer(ReadOnlySpan<byte> message)
    {
        if (message.Length > _maxMessageSize)
        {
            ThrowHelper.ThrowMessageTooLarge(message.Length, _maxMessageSize);
        }

        ThrowIfDisposed();
        return _rings.Length == 1 ? OfferOne(0, message) : OfferMany(message, _allReceivers);
    }

    /// <summary>Tries to write a message to the attached receivers among <paramref name="receivers"/>, saying why it could not.</summary>
    /// <exception cref="ArgumentException">The message is too long, or the mask names no receiver or one the channel lacks, or the mode does not allow choosing (broadcast: only <see cref="ReceiverMask.All"/>; unicast: receiver 0).</exception>
    public FicmWriteStatus Offer(ReadOnlySpan<byte> message, ReceiverMask receivers)
    {
        if (message.Length > _maxMessageSize)
        {
            ThrowHelper.ThrowMessageTooLarge(message.Length, _maxMessageSize);
        }

        ThrowIfDisposed();
        var targets = ResolveTargets(receivers);
        return _rings.Length == 1 ? OfferOne(0, message) : OfferMany(message, targets);
    }

    /// <summary>Tries to write a message to the default receivers; false when a ring is full, the channel completed, or no receiver is attached (<see cref="Offer(ReadOnlySpan{byte})"/> says which).</summary>
    /// <exception cref="ArgumentException">The message is longer than <see cref="MaxMessageSize"/>.</exception>
    public bool TryWrite(ReadOnlySpan<byte> message) => Offer(message) == FicmWriteStatus.Written;

    /// <summary>Tries to write a message to the attached receivers among <paramref name="receivers"/>.</summary>
    /// <exception cref="ArgumentException">See <see cref="Offer(ReadOnlySpan{byte}, ReceiverMask)"/>.</exception>
    public bool TryWrite(ReadOnlySpan<byte> message, ReceiverMask receivers) => Offer(message, receivers) == FicmWriteStatus.Written;

    /// <summary>Writes a message to the default receivers, waiting (spin, then sleep) while a target ring is full.</summary>
    /// <exception cref="System.Threading.Channels.ChannelClosedException">The channel is completed.</exception>
    /// <exception cref="InvalidOperationException">No target receiver is attached.</exception>
    /// <exception cref="OperationCanceledException">Cancelled while waiting.</exception>
    public void Write(ReadOnlySpan<byte> message, CancellationToken cancellationToken = default) =>
        WriteBlocking(message, ReceiverMask.All, explicitTargets: false, cancellationToken);

    /// <summary>Writes a message to the attached receivers among <paramref name="receivers"/>, waiting while a target ring is full.</summary>
    /// <exception cref="System.Threading.Channels.ChannelClosedException">The channel is completed.</exception>
    /// <exception cref="InvalidOperationException">No target receiver is attached.</exception>
    /// <exception cref="OperationCanceledException">Cancelled while waiting.</exception>
    public void Write(ReadOnlySpan<byte> message, ReceiverMask receivers, CancellationToken cancellationToken = default) =>
        WriteBlocking(message, receivers, explicitTargets: true, cancellationToken);

    /// <summary>Writes a message to the default receivers; completes synchronously when there is room, else waits on a background thread.</summary>
    /// <exception cref="System.Threading.Channels.ChannelClosedException">The channel is completed.</exception>
    /// <exception cref="InvalidOperationException">No target receiver is attached.</exception>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default) =>
        WriteAsyncCore(message, ReceiverMask.All, explicitTargets: false, cancellationToken);

    /// <summary>Writes a message to the attached receivers among <paramref name="receivers"/>; completes synchronously when there is room.</summary>
    /// <exception cref="System.Threading.Channels.ChannelClosedException">The channel is completed.</exception>
    /// <exception cref="InvalidOperationException">No target receiver is attached.</exception>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> message, ReceiverMask receivers, CancellationToken cancellationToken = default) =>
        WriteAsyncCore(message, receivers, explicitTargets: true, cancellationToken);

    /// <summary>
    /// Completes the channel for every process: writes fail from now on, and readers' waits return
    /// false (or, with an <paramref name="error"/>, throw) once their rings are drained. Only the
    /// error's type and message cross to other processes. False if it was already completed.
    /// </summary>
    public bool TryComplete(Exception? error = null)
    {
        ThrowIfDisposed();
        return _channel.TryComplete(error);
    }

    /// <summary>Completes the channel (see <see cref="TryComplete"/>).</summary>
    /// <exception cref="System.Threading.Channels.ChannelClosedException">The channel was already completed.</exception>
    public void Complete(Exception? error = null)
    {
        if (!TryComplete(error))
        {
            throw new System.Threading.Channels.ChannelClosedException("the channel was already completed");
        }
    }

    /// <summary>Releases this writer (wakes and ends its background wait thread, if any).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _waiter.Stop();
        foreach (var ring in _rings)
        {
            ring.WakeWriters();
        }

        _channel.Memory.Release();
    }

    /// <summary>Test hook: claims a record for <paramref name="message"/>, copies only its first <paramref name="bytesWritten"/> bytes, and leaves it uncommitted, as a writer killed mid-message would.</summary>
    internal bool ReserveWithoutCommitForTesting(ReadOnlySpan<byte> message, int bytesWritten, bool publishTail = true)
    {
        var ring = _rings[0];
        if (!ring.TryReserve(message.Length, _owner, ref _cachedReleased[0], out var reservation, publishTail))
        {
            return false;
        }

        ring.WriteHeader(reservation, message.Length, _pid);
        ring.CopyIn(reservation, message[..bytesWritten]);
        return true;
    }

    bool IBlockingWait.Wait(CancellationToken cancellationToken)
    {
        WaitForRoom(_asyncTargets, _asyncSlots, cancellationToken);
        return true;
    }

    private FicmWriteStatus OfferOne(int index, ReadOnlySpan<byte> message)
    {
        if (_channel.CompletionState != FicmChannel.CompletionOpen)
        {
            return FicmWriteStatus.Completed;
        }

        var ring = _rings[index];
        if (!ring.IsAttached)
        {
            return FicmWriteStatus.NoReceivers;
        }

        if (!ring.TryReserve(message.Length, _owner, ref _cachedReleased[index], out var reservation))
        {
            return FicmWriteStatus.Full;
        }

        // Checked again after the claim: a completion that readers may already have acted on must
        // not be followed by a message (docs/channels.md, "Completion").
        if (_channel.CompletionState != FicmChannel.CompletionOpen)
        {
            ring.Abandon(reservation);
            return FicmWriteStatus.Completed;
        }

        ring.WriteHeader(reservation, message.Length, _pid);
        ring.CopyIn(reservation, message);
        ring.Commit(reservation);
        return FicmWriteStatus.Written;
    }

    // The reservations are written before they are read; zeroing up to 64 of them per write is waste.
    [SkipLocalsInit]
    private FicmWriteStatus OfferMany(ReadOnlySpan<byte> message, ulong targets)
    {
        var attached = AttachedAmong(targets);
        if (attached == 0)
        {
            return FicmWriteStatus.NoReceivers;
        }

        if (BitOperations.PopCount(attached) == 1)
        {
            return OfferOne(BitOperations.TrailingZeroCount(attached), message);
        }

        if (_channel.CompletionState != FicmChannel.CompletionOpen)
        {
            return FicmWriteStatus.Completed;
        }

        var slots = ChannelLayout.SlotsFor(message.Length);
        for (var bits = attached; bits != 0; bits &= bits - 1)
        {
            var index = BitOperations.TrailingZeroCount(bits);
            if (!_rings[index].HasSpace(slots, ref _cachedReleased[index]))
            {
                return FicmWriteStatus.Full;
            }
        }

        Span<WriteReservation> reservations = stackalloc WriteReservation[BitOperations.PopCount(attached)];
        Span<byte> ringOf = stackalloc byte[reservations.Length];
        var count = 0;
        for (var bits = attached; bits != 0; bits &= bits - 1)
        {
            var index = BitOperations.TrailingZeroCount(bits);
            if (!_rings[index].TryReserve(message.Length, _owner, ref _cachedReleased[index], out reservations[count]))
            {
                // Another writer took the room after the check: give back what we got, deliver nothing.
                Abandon(reservations[..count], ringOf);
                return FicmWriteStatus.Full;
            }

            ringOf[count++] = (byte)index;
        }

        if (_channel.CompletionState != FicmChannel.CompletionOpen)
        {
            Abandon(reservations, ringOf);
            return FicmWriteStatus.Completed;
        }

        for (var i = 0; i < count; i++)
        {
            var ring = _rings[ringOf[i]];
            ring.WriteHeader(reservations[i], message.Length, _pid);
            ring.CopyIn(reservations[i], message);
        }

        for (var i = 0; i < count; i++)
        {
            _rings[ringOf[i]].Commit(reservations[i]);
        }

        return FicmWriteStatus.Written;
    }

    private void Abandon(ReadOnlySpan<WriteReservation> reservations, ReadOnlySpan<byte> ringOf)
    {
        for (var i = 0; i < reservations.Length; i++)
        {
            _rings[ringOf[i]].Abandon(reservations[i]);
        }
    }

    private ulong AttachedAmong(ulong targets)
    {
        ulong attached = 0;
        for (var bits = targets; bits != 0; bits &= bits - 1)
        {
            var index = BitOperations.TrailingZeroCount(bits);
            if (_rings[index].IsAttached)
            {
                attached |= 1UL << index;
            }
        }

        return attached;
    }

    private ulong ResolveTargets(ReceiverMask receivers)
    {
        if (receivers.Bits == ulong.MaxValue)
        {
            return _allReceivers;
        }

        if (receivers.IsEmpty)
        {
            throw new ArgumentException("the receiver mask is empty", nameof(receivers));
        }

        if ((receivers.Bits & ~_allReceivers) != 0)
        {
            throw new ArgumentException($"the mask {receivers} names receivers this channel lacks (it has {_rings.Length})", nameof(receivers));
        }

        if (_mode == FicmChannelMode.Broadcast && receivers.Bits != _allReceivers)
        {
            throw new ArgumentException("a broadcast channel delivers to every attached receiver; create a multicast channel to choose receivers", nameof(receivers));
        }

        return receivers.Bits;
    }

    private void WriteBlocking(ReadOnlySpan<byte> message, ReceiverMask receivers, bool explicitTargets, CancellationToken cancellationToken)
    {
        while (true)
        {
            var status = explicitTargets ? Offer(message, receivers) : Offer(message);
            switch (status)
            {
                case FicmWriteStatus.Written:
                    return;
                case FicmWriteStatus.Completed:
                    throw _channel.CreateClosedException();
                case FicmWriteStatus.NoReceivers:
                    ThrowHelper.ThrowNoReceivers();
                    break;
                default:
                    WaitForRoom(explicitTargets ? ResolveTargets(receivers) : _allReceivers, ChannelLayout.SlotsFor(message.Length), cancellationToken);
                    break;
            }
        }
    }

    private ValueTask WriteAsyncCore(ReadOnlyMemory<byte> message, ReceiverMask receivers, bool explicitTargets, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        var status = explicitTargets ? Offer(message.Span, receivers) : Offer(message.Span);
        return status switch
        {
            FicmWriteStatus.Written => default,
            FicmWriteStatus.Completed => ValueTask.FromException(_channel.CreateClosedException()),
            FicmWriteStatus.NoReceivers => ValueTask.FromException(new InvalidOperationException("none of the target receivers is attached; the message was not delivered")),
            _ => WriteAsyncSlow(message, receivers, explicitTargets, cancellationToken),
        };
    }

    private async ValueTask WriteAsyncSlow(ReadOnlyMemory<byte> message, ReceiverMask receivers, bool explicitTargets, CancellationToken cancellationToken)
    {
        while (true)
        {
            _asyncTargets = explicitTargets ? ResolveTargets(receivers) : _allReceivers;
            _asyncSlots = ChannelLayout.SlotsFor(message.Length);
            await _waiter.WaitAsync(cancellationToken).ConfigureAwait(false);
            var status = explicitTargets ? Offer(message.Span, receivers) : Offer(message.Span);
            switch (status)
            {
                case FicmWriteStatus.Written:
                    return;
                case FicmWriteStatus.Completed:
                    throw _channel.CreateClosedException();
                case FicmWriteStatus.NoReceivers:
                    ThrowHelper.ThrowNoReceivers();
                    break;
            }
        }
    }

    /// <summary>Waits until every attached target ring has room for <paramref name="slots"/> slots, the channel completes, or a target is detached.</summary>
    /// <remarks>
    /// While it spins it waits for an eighth of the ring to drain (or the message's size, if
    /// larger) rather than for the first free slot, so that a writer that outpaces its reader
    /// writes in batches instead of trading each freed cache line with the reader (measured: 14
    /// rather than 6 to 10 million 64-byte messages a second between two processes); after the
    /// spin it takes any room that fits, so that writers polling TryWrite cannot starve it.
    /// Sleeps with a timeout: the record blocking the ring may belong to a dead process, which
    /// nobody else will drop if its receiver is gone too.
    /// </remarks>
    private void WaitForRoom(ulong targets, int slots, CancellationToken cancellationToken)
    {
        var batch = Math.Max(slots, _rings[0].Capacity / 8);
        var spinUntil = Stopwatch.GetTimestamp() + _spinTicks;
        var spinOnly = _options.WaitMode == FicmWaitMode.SpinOnly;
        var recoverAt = Stopwatch.GetTimestamp() + _recoveryTicks;
        var timeoutMs = Math.Max(1, (int)_options.RecoveryCheckInterval.TotalMilliseconds);
        CancellationTokenRegistration registration = default;
        try
        {
            while (true)
            {
                if (_channel.CompletionState != FicmChannel.CompletionOpen)
                {
                    return;
                }

                var now = Stopwatch.GetTimestamp();
                var blocked = FirstBlocked(targets, now < spinUntil ? batch : slots);
                if (blocked < 0)
                {
                    return;
                }

                ThrowIfDisposed();
                cancellationToken.ThrowIfCancellationRequested();
                var ring = _rings[blocked];
                if (now >= recoverAt)
                {
                    var liveness = _channel.Participants;
                    if (ring.AdvanceReleased()
                        | ring.TryRecover(ring.ReleasedPosition, liveness, _owner)
                        | ring.TryRecover(ring.HeadPosition, liveness, _owner))
                    {
                        continue;
                    }

                    recoverAt = now + _recoveryTicks;
                }

                if (spinOnly || now < spinUntil)
                {
                    // Each look reads the released counter the readers write; look less often than they write it.
                    Thread.SpinWait(8);
                    continue;
                }

                if (cancellationToken.CanBeCanceled && registration == default)
                {
                    registration = cancellationToken.UnsafeRegister(static state => ((FicmRing)state!).WakeWriters(), ring);
                }

                var futexValue = ring.BeginWriterSleep();
                try
                {
                    if (FirstBlocked(targets, slots) == blocked && _channel.CompletionState == FicmChannel.CompletionOpen
                        && !cancellationToken.IsCancellationRequested && Volatile.Read(ref _disposed) == 0)
                    {
                        ring.SleepForSpace(futexValue, timeoutMs);
                    }
                }
                finally
                {
                    ring.EndWriterSleep();
                }
            }
        }
        finally
        {
            registration.Dispose();
        }
    }

    private int FirstBlocked(ulong targets, int slots)
    {
        for (var bits = targets; bits != 0; bits &= bits - 1)
        {
            var index = BitOperations.TrailingZeroCount(bits);
            var ring = _rings[index];
            if (ring.IsAttached && !ring.HasSpace(slots, ref _cachedReleased[index]))
            {
                return index;
            }
        }

        return -1;
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            ThrowHelper.ThrowObjectDisposed(this);
        }
    }
}
