using RainForest.Channels.Layout;

namespace RainForest.Channels;

/// <summary>One receiver's ring: a bounded multi-producer, multi-consumer queue of variable-length records in shared memory.</summary>
/// <remarks>
/// <para>
/// A record is one or more consecutive 64-byte slots. Its first slot starts with a control word
/// (<see cref="SlotControl"/>), the payload length and the writer's pid; the payload follows
/// contiguously, wrapping once at the end of the ring. Every state change of a record is one
/// compare-and-swap on its control word, and the word names the owner of every intermediate state,
/// so a record is never visible before it is fully written, and a record held by a dead process can
/// be taken over and dropped (docs/channels.md, "Commit protocol" and "Crash recovery").
/// </para>
/// <para>
/// Invariants: Released &lt;= Head and Tail &lt;= Released + Capacity; Head &lt;= Tail except while a
/// record claimed by a writer that died before moving the tail has been dropped (the next writer
/// moves the tail past it). Writers claim the record at the tail by a compare-and-swap on its
/// control word, then move the tail; readers claim at the head the same way. Anyone who sees a
/// claimed record at the tail or head moves the counter past it, so a thread stopped between the
/// two steps (or killed there) never stalls the others.
/// </para>
/// </remarks>
internal sealed unsafe class FicmRing
{
    private readonly RingHeader* _header;
    private readonly byte* _slots;
    private readonly int _capacity;
    private readonly long _mask;
    private readonly int _lapShift;
    private readonly int _dataBytes;

    /// <summary>Wraps the ring at <paramref name="ringBase"/> (its header, then <paramref name="capacity"/> slots).</summary>
    public FicmRing(byte* ringBase, int capacity)
    {
        _header = (RingHeader*)ringBase;
        _slots = ringBase + ChannelLayout.RingHeaderSize;
        _capacity = capacity;
        _mask = capacity - 1;
        _lapShift = System.Numerics.BitOperations.Log2((uint)capacity);
        _dataBytes = capacity * ChannelLayout.SlotSize;
    }

    /// <summary>Slots in the ring.</summary>
    public int Capacity => _capacity;

    /// <summary>False on a device's memory (a guest's ivshmem BAR), where futex calls fail: sleepers there only poll.</summary>
    public bool UseFutex { get; init; } = true;

    /// <summary>
    /// The longest sleep, or -1 for none: on a channel that spans kernels a wake from the other side never comes, so
    /// a sleeper looks again this often.
    /// </summary>
    public int PollMilliseconds { get; init; } = -1;

    /// <summary>The shared header.</summary>
    public RingHeader* Header => _header;

    /// <summary>Whether broadcast and multicast writes include this ring.</summary>
    public bool IsAttached => Volatile.Read(ref _header->Attached) != 0;

    /// <summary>Slots between head and tail: claimed by writers, not yet claimed by readers.</summary>
    public long PendingSlots => Math.Max(0, Volatile.Read(ref _header->Tail) - Volatile.Read(ref _header->Head));

    private uint LapOf(long position) => (uint)(position >> _lapShift);

    private byte* SlotAt(long position) => _slots + ((position & _mask) << ChannelLayout.SlotShift);

    private ref ulong ControlAt(long position) => ref *(ulong*)SlotAt(position);

    /// <summary>Whether <paramref name="slots"/> more slots fit now.</summary>
    /// <param name="slots">Slots the caller wants.</param>
    /// <param name="cachedReleased">The caller's last view of the released counter; refreshed only when it says "full".</param>
    /// <remarks>
    /// Reads only the tail and, when the cached view says full, the released counter. It does not
    /// sweep released records itself (<see cref="AdvanceReleased"/>): readers do that as they
    /// release, and a writer polling a full ring must not pull the readers' head, counter and slot
    /// lines into its cache on every attempt. Waiting writers sweep at their recovery checks, for
    /// the one case readers cannot: a reader that died between freeing a record and moving the counter.
    /// </remarks>
    public bool HasSpace(int slots, ref long cachedReleased)
    {
        var tail = Volatile.Read(ref _header->Tail);
        if (tail + slots - cachedReleased <= _capacity)
        {
            return true;
        }

        cachedReleased = Volatile.Read(ref _header->Released);
        return tail + slots - cachedReleased <= _capacity;
    }

    /// <summary>Claims a record for a payload of <paramref name="length"/> bytes, or returns false when the ring is full.</summary>
    /// <param name="length">Payload bytes.</param>
    /// <param name="owner">The caller's owner tag.</param>
    /// <param name="cachedReleased">The caller's last view of the released counter (see <see cref="HasSpace"/>).</param>
    /// <param name="reservation">The claimed record.</param>
    /// <param name="publishTail">False only in tests: stop between claiming the record and moving the tail, as a preempted or killed writer would.</param>
    public bool TryReserve(int length, int owner, ref long cachedReleased, out WriteReservation reservation, bool publishTail = true)
    {
        var slots = ChannelLayout.SlotsFor(length);
        while (true)
        {
            var tail = Volatile.Read(ref _header->Tail);
            if (tail + slots - cachedReleased > _capacity && !HasSpace(slots, ref cachedReleased))
            {
                reservation = default;
                return false;
            }

            // The released counter was read (acquire) before the control word: every slot it covers
            // was made Free for this lap before the counter passed it, so the word is trustworthy.
            ref var control = ref ControlAt(tail);
            var word = Volatile.Read(ref control);
            var lap = LapOf(tail);
            if (SlotControl.Lap(word) == lap && SlotControl.State(word) != SlotState.Free)
            {
                // Another writer claimed this position and has not moved the tail yet: do it for them.
                Interlocked.CompareExchange(ref _header->Tail, tail + SlotControl.Slots(word), tail);
                continue;
            }

            if (IsFreedRecord(word, lap))
            {
                // The record here was claimed, dropped by recovery and freed before its writer (now
                // dead) moved the tail past it: move it for them.
                Interlocked.CompareExchange(ref _header->Tail, tail + SlotControl.Slots(word), tail);
                continue;
            }

            if (SlotControl.Lap(word) != lap || Volatile.Read(ref _header->Tail) != tail)
            {
                continue; // a stale view of the tail; look again
            }

            var claimed = SlotControl.Make(lap, SlotState.Reserved, slots, owner);
            if (Interlocked.CompareExchange(ref control, claimed, word) == word)
            {
                if (publishTail)
                {
                    Interlocked.CompareExchange(ref _header->Tail, tail + slots, tail);
                }

                reservation = new WriteReservation(tail, slots, lap, owner);
                return true;
            }
        }
    }

    /// <summary>Writes the record header (length, pid) of a reservation.</summary>
    public void WriteHeader(in WriteReservation reservation, int length, int pid)
    {
        var first = SlotAt(reservation.Position);
        *(int*)(first + 8) = length;
        *(int*)(first + 12) = pid;
    }

    /// <summary>Copies payload bytes into a reservation, wrapping at the end of the ring.</summary>
    public void CopyIn(in WriteReservation reservation, ReadOnlySpan<byte> payload)
    {
        var offset = (int)((reservation.Position & _mask) << ChannelLayout.SlotShift) + ChannelLayout.MessageHeaderSize;
        var first = Math.Min(payload.Length, _dataBytes - offset);
        payload[..first].CopyTo(new Span<byte>(_slots + offset, first));
        if (first < payload.Length)
        {
            payload[first..].CopyTo(new Span<byte>(_slots, payload.Length - first));
        }
    }

    /// <summary>Makes a fully written reservation visible to readers, and wakes them if any sleeps.</summary>
    public void Commit(in WriteReservation reservation)
    {
        // An exchange rather than a plain store: its full fence orders the publish before the
        // sleeper check below, pairing with the increment in BeginReaderSleep (a Dekker handshake:
        // either the reader sees the record or the writer sees the sleeper).
        Interlocked.Exchange(
            ref ControlAt(reservation.Position),
            SlotControl.Make(reservation.Lap, SlotState.Committed, reservation.Slots, reservation.Owner));
        if (Volatile.Read(ref _header->ReaderSleepers) != 0)
        {
            WakeReaders();
        }
    }

    /// <summary>Drops a reservation its writer will not commit (the channel completed under it, or a multicast lost a race).</summary>
    public void Abandon(in WriteReservation reservation) => ReleaseOwned(reservation.Position, reservation.Slots, reservation.Lap);

    /// <summary>Looks at the head record without claiming it.</summary>
    /// <param name="position">The head position seen.</param>
    /// <param name="owner">For <see cref="PeekStatus.InFlight"/>, the writer that holds the record.</param>
    public PeekStatus Peek(out long position, out int owner)
    {
        while (true)
        {
            var head = Volatile.Read(ref _header->Head);
            var word = Volatile.Read(ref ControlAt(head));
            var lap = LapOf(head);
            position = head;
            owner = SlotControl.Owner(word);
            if (SlotControl.Lap(word) != lap)
            {
                if ((int)(SlotControl.Lap(word) - lap) < 0)
                {
                    return PeekStatus.Empty; // the slot still holds an older lap: nothing written here yet
                }

                if (IsFreedRecord(word, lap))
                {
                    HelpHead(head, SlotControl.Slots(word), passedReleased: false);
                }

                continue; // the head moved on meanwhile
            }

            switch (SlotControl.State(word))
            {
                case SlotState.Free:
                    return PeekStatus.Empty;
                case SlotState.Committed:
                    return PeekStatus.Available;
                case SlotState.Reserved:
                    return PeekStatus.InFlight;
                default:
                    HelpHead(head, SlotControl.Slots(word), SlotControl.State(word) == SlotState.Released);
                    continue;
            }
        }
    }

    /// <summary>Claims the head record for reading if it is committed and at most <paramref name="maxLength"/> bytes long.</summary>
    /// <param name="owner">The caller's owner tag.</param>
    /// <param name="maxLength">The most payload bytes the caller can take; a longer record is left in place.</param>
    /// <param name="claim">The claimed record; for <see cref="ClaimStatus.TooSmall"/>, its length; for <see cref="ClaimStatus.InFlight"/>, its position and writer.</param>
    /// <param name="publishHead">False only in tests: stop between claiming the record and moving the head.</param>
    public ClaimStatus TryClaim(int owner, int maxLength, out ReadClaim claim, bool publishHead = true)
    {
        while (true)
        {
            var head = Volatile.Read(ref _header->Head);
            ref var control = ref ControlAt(head);
            var word = Volatile.Read(ref control);
            var lap = LapOf(head);
            claim = default;
            if (SlotControl.Lap(word) != lap)
            {
                if ((int)(SlotControl.Lap(word) - lap) < 0)
                {
                    return ClaimStatus.Empty;
                }

                if (IsFreedRecord(word, lap))
                {
                    HelpHead(head, SlotControl.Slots(word), passedReleased: false);
                }

                continue;
            }

            var state = SlotControl.State(word);
            var slots = SlotControl.Slots(word);
            if (state == SlotState.Committed)
            {
                // Acquire, so that on weakly ordered CPUs the length is read before the head is checked again.
                var length = Volatile.Read(ref *(int*)(SlotAt(head) + 8));

                // While the head is still here the record cannot have been released and reused,
                // so the word and the length just read belong to one committed record.
                if (Volatile.Read(ref _header->Head) != head)
                {
                    continue;
                }

                if (length < 0 || ChannelLayout.SlotsFor(length) != slots)
                {
                    throw new InvalidDataException($"corrupt record at ring position {head}: {slots} slots but a length of {length} bytes");
                }

                if (length > maxLength)
                {
                    claim = new ReadClaim(head, slots, length, lap, 0);
                    return ClaimStatus.TooSmall;
                }

                if (Interlocked.CompareExchange(ref control, SlotControl.Make(lap, SlotState.Reading, slots, owner), word) == word)
                {
                    if (publishHead)
                    {
                        Interlocked.CompareExchange(ref _header->Head, head + slots, head);
                    }

                    claim = new ReadClaim(head, slots, length, lap, owner);
                    return ClaimStatus.Claimed;
                }

                continue;
            }

            switch (state)
            {
                case SlotState.Free:
                    return ClaimStatus.Empty;
                case SlotState.Reserved:
                    claim = new ReadClaim(head, slots, 0, lap, SlotControl.Owner(word));
                    return ClaimStatus.InFlight;
                default:
                    HelpHead(head, slots, state == SlotState.Released);
                    continue;
            }
        }
    }

    /// <summary>Copies a claimed record's payload out, unwrapping it.</summary>
    public void CopyOut(in ReadClaim claim, Span<byte> destination)
    {
        var offset = (int)((claim.Position & _mask) << ChannelLayout.SlotShift) + ChannelLayout.MessageHeaderSize;
        var first = Math.Min(claim.Length, _dataBytes - offset);
        new ReadOnlySpan<byte>(_slots + offset, first).CopyTo(destination);
        if (first < claim.Length)
        {
            new ReadOnlySpan<byte>(_slots, claim.Length - first).CopyTo(destination[first..]);
        }
    }

    /// <summary>Gives a read record's slots back to writers.</summary>
    public void Release(in ReadClaim claim)
    {
        WriteInnerFrees(claim.Position, claim.Slots);
        ref var control = ref ControlAt(claim.Position);
        var moved = false;
        if (Volatile.Read(ref _header->Released) == claim.Position)
        {
            // The common in-order case: ours is the oldest unreleased record, so nobody can move the
            // released counter until this word changes. Skip the Released state and free it directly;
            // the slot count stays in the Free word so a helper can finish the move if we die here.
            Volatile.Write(ref control, SlotControl.Make(claim.Lap + 1, SlotState.Free, claim.Slots, 0));
            moved = Interlocked.CompareExchange(ref _header->Released, claim.Position + claim.Slots, claim.Position) == claim.Position;
        }
        else
        {
            // Exchange for its fence: the store must be visible before AdvanceReleased reads the
            // counter, or this record and an earlier releaser could each think the other will advance.
            Interlocked.Exchange(ref control, SlotControl.Make(claim.Lap, SlotState.Released, claim.Slots, 0));
        }

        AdvanceReleased(moved);
    }

    /// <summary>
    /// Drops the record at <paramref name="position"/> if it is held (reserved, being read or being
    /// recovered) by an owner that is no longer alive. Returns true when this call dropped it.
    /// </summary>
    /// <remarks>Called only for the head or the oldest unreleased record: the records the living wait on.</remarks>
    public bool TryRecover(long position, IOwnerLiveness liveness, int self)
    {
        ref var control = ref ControlAt(position);
        var word = Volatile.Read(ref control);
        var lap = LapOf(position);
        var state = SlotControl.State(word);
        if (SlotControl.Lap(word) != lap || state is not (SlotState.Reserved or SlotState.Reading or SlotState.Recovering))
        {
            return false;
        }

        // Only a position that is still the head or the released mark is known to hold a control
        // word rather than payload bytes of a later lap.
        if (Volatile.Read(ref _header->Head) != position && Volatile.Read(ref _header->Released) != position)
        {
            return false;
        }

        var owner = SlotControl.Owner(word);
        if (owner == self || liveness.IsAlive(owner))
        {
            return false;
        }

        var slots = SlotControl.Slots(word);
        if (Interlocked.CompareExchange(ref control, SlotControl.Make(lap, SlotState.Recovering, slots, self), word) != word)
        {
            return false;
        }

        // A record its writer never committed sits at the head: move the head past it before
        // releasing it, so that the released counter can never overtake the head.
        Interlocked.CompareExchange(ref _header->Head, position + slots, position);
        Interlocked.Increment(ref _header->AbandonedRecords);
        ReleaseOwned(position, slots, lap);
        WakeReaders();
        return true;
    }

    /// <summary>Moves the released counter over every record that is done with; wakes writers waiting for room if it moved.</summary>
    /// <returns>True when the counter moved (in this call or, with <paramref name="moved"/>, just before it).</returns>
    public bool AdvanceReleased(bool moved = false)
    {
        while (true)
        {
            var released = Volatile.Read(ref _header->Released);
            if (released >= Volatile.Read(ref _header->Head))
            {
                break;
            }

            ref var control = ref ControlAt(released);
            var word = Volatile.Read(ref control);
            var lap = LapOf(released);
            int slots;
            if (SlotControl.Lap(word) == lap && SlotControl.State(word) == SlotState.Released)
            {
                if (Volatile.Read(ref _header->Released) != released)
                {
                    continue; // the word may be a later lap's payload; look again
                }

                slots = SlotControl.Slots(word);
                Interlocked.CompareExchange(ref control, SlotControl.Make(lap + 1, SlotState.Free, slots, 0), word);
            }
            else if (IsFreedRecord(word, lap))
            {
                slots = SlotControl.Slots(word);
            }
            else
            {
                break;
            }

            if (Interlocked.CompareExchange(ref _header->Released, released + slots, released) == released)
            {
                moved = true;
            }
        }

        if (moved && Volatile.Read(ref _header->WriterSleepers) != 0)
        {
            WakeWriters();
        }

        return moved;
    }

    /// <summary>Wakes every reader asleep on this ring (any process).</summary>
    public void WakeReaders()
    {
        Interlocked.Increment(ref _header->DataFutex);
        if (UseFutex)
        {
            Futex.WakeAll(&_header->DataFutex);
        }
    }

    /// <summary>Wakes every writer waiting for room in this ring (any process).</summary>
    public void WakeWriters()
    {
        Interlocked.Increment(ref _header->SpaceFutex);
        if (UseFutex)
        {
            Futex.WakeAll(&_header->SpaceFutex);
        }
    }

    private void Sleep(uint* word, uint expected, int timeoutMs)
    {
        if (PollMilliseconds >= 0 && (timeoutMs < 0 || timeoutMs > PollMilliseconds))
        {
            timeoutMs = PollMilliseconds;
        }

        if (UseFutex)
        {
            Futex.Wait(word, expected, timeoutMs);
        }
        else if (Volatile.Read(ref *word) == expected)
        {
            Thread.Sleep(timeoutMs < 0 ? ChannelLayout.CrossKernelPollMilliseconds : timeoutMs);
        }
    }

    /// <summary>Announces a reader about to sleep; returns the futex value to sleep on. Re-check the ring after this, then sleep.</summary>
    public uint BeginReaderSleep()
    {
        Interlocked.Increment(ref _header->ReaderSleepers);
        return Volatile.Read(ref _header->DataFutex);
    }

    /// <summary>Sleeps until a writer (or completion, cancellation, disposal) wakes this ring's readers, or the timeout passes.</summary>
    public void SleepForData(uint futexValue, int timeoutMs) => Sleep(&_header->DataFutex, futexValue, timeoutMs);

    /// <summary>Withdraws a <see cref="BeginReaderSleep"/>.</summary>
    public void EndReaderSleep() => Interlocked.Decrement(ref _header->ReaderSleepers);

    /// <summary>Announces a writer about to sleep for room; returns the futex value to sleep on.</summary>
    public uint BeginWriterSleep()
    {
        Interlocked.Increment(ref _header->WriterSleepers);
        return Volatile.Read(ref _header->SpaceFutex);
    }

    /// <summary>Sleeps until room may have appeared or the timeout passes.</summary>
    public void SleepForSpace(uint futexValue, int timeoutMs) => Sleep(&_header->SpaceFutex, futexValue, timeoutMs);

    /// <summary>Withdraws a <see cref="BeginWriterSleep"/>.</summary>
    public void EndWriterSleep() => Interlocked.Decrement(ref _header->WriterSleepers);

    /// <summary>Readers announced as asleep (or about to sleep).</summary>
    public uint ReaderSleepers => Volatile.Read(ref _header->ReaderSleepers);

    /// <summary>Writers announced as asleep (or about to sleep) waiting for room.</summary>
    public uint WriterSleepers => Volatile.Read(ref _header->WriterSleepers);

    /// <summary>The futex word readers sleep on: it changes exactly when somebody wakes them.</summary>
    public uint DataFutexValue => Volatile.Read(ref _header->DataFutex);

    /// <summary>Records dropped by crash recovery.</summary>
    public long AbandonedRecords => Volatile.Read(ref _header->AbandonedRecords);

    /// <summary>The position of the oldest unreleased record.</summary>
    public long ReleasedPosition => Volatile.Read(ref _header->Released);

    /// <summary>The head position.</summary>
    public long HeadPosition => Volatile.Read(ref _header->Head);

    /// <summary>The tail position.</summary>
    public long TailPosition => Volatile.Read(ref _header->Tail);

    /// <summary>Whether a word is the first slot of a record of <paramref name="lap"/> that has been released and freed for the next lap.</summary>
    private static bool IsFreedRecord(ulong word, uint lap) =>
        SlotControl.Lap(word) == lap + 1 && SlotControl.State(word) == SlotState.Free && SlotControl.Slots(word) > 0;

    private void HelpHead(long head, int slots, bool passedReleased)
    {
        Interlocked.CompareExchange(ref _header->Head, head + slots, head);
        if (passedReleased)
        {
            // A record dropped before any reader reached it: its releaser could not move the
            // released counter past the head, so whoever moves the head past it does.
            AdvanceReleased();
        }
    }

    private void ReleaseOwned(long position, int slots, uint lap)
    {
        WriteInnerFrees(position, slots);
        Interlocked.Exchange(ref ControlAt(position), SlotControl.Make(lap, SlotState.Released, slots, 0));
        AdvanceReleased();
    }

    /// <summary>
    /// Marks the slots after a record's first as free for the next lap, so that whichever of them
    /// starts a record next time holds a control word, not stale payload.
    /// </summary>
    private void WriteInnerFrees(long position, int slots)
    {
        for (var i = 1; i < slots; i++)
        {
            var inner = position + i;
            *(ulong*)SlotAt(inner) = SlotControl.Make(LapOf(inner) + 1, SlotState.Free, 0, 0);
        }
    }
}
